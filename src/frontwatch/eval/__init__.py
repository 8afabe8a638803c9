"""frontwatch.eval"""
