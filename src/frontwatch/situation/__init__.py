"""frontwatch.situation"""
