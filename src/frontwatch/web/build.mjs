// Copies the front-end dependencies from node_modules into static/vendor and converts the
// Natural Earth countries (world-atlas TopoJSON) to GeoJSON in static/data.
// Usage: node build.mjs <node_modules dir> <static dir>   (build.sh calls it)
import fs from "node:fs";
import path from "node:path";
import { feature } from "topojson-client";

const [modules, staticDir] = process.argv.slice(2);
if (!modules || !staticDir) {
  console.error("usage: node build.mjs NODE_MODULES STATIC_DIR");
  process.exit(2);
}
const vendor = path.join(staticDir, "vendor");
const data = path.join(staticDir, "data");
fs.mkdirSync(path.join(vendor, "images"), { recursive: true });
fs.mkdirSync(data, { recursive: true });

const copies = [
  ["leaflet/dist/leaflet.js", "leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet.css"],
  ["leaflet/LICENSE", "LICENSE.leaflet"],
  ["leaflet.markercluster/dist/leaflet.markercluster.js", "leaflet.markercluster.js"],
  ["leaflet.markercluster/dist/MarkerCluster.css", "MarkerCluster.css"],
  ["leaflet.markercluster/dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"],
  ["leaflet.markercluster/MIT-LICENCE.txt", "LICENSE.markercluster"],
  ["world-atlas/LICENSE", "LICENSE.world-atlas"],
];
for (const [from, to] of copies) {
  fs.copyFileSync(path.join(modules, from), path.join(vendor, to));
}
for (const image of fs.readdirSync(path.join(modules, "leaflet/dist/images"))) {
  fs.copyFileSync(
    path.join(modules, "leaflet/dist/images", image),
    path.join(vendor, "images", image),
  );
}

// Natural Earth 1:50m admin-0 countries; coordinates rounded to 3 decimals (about 100 m).
const round = (value) => Math.round(value * 1000) / 1000;
const roundCoords = (coords) =>
  typeof coords[0] === "number" ? coords.map(round) : coords.map(roundCoords);
const topology = JSON.parse(
  fs.readFileSync(path.join(modules, "world-atlas/countries-50m.json"), "utf8"),
);
// Rings that cross the antimeridian (Russia, Fiji) jump from +180 to -180 and would be drawn
// as lines across the whole map: their longitudes are unwrapped into one continuous range.
// A ring around a pole (Antarctica) does not close once unwrapped and is kept as it is.
const unwrapRing = (ring) => {
  const out = [ring[0].slice()];
  for (let i = 1; i < ring.length; i += 1) {
    let lon = ring[i][0];
    const previous = out[i - 1][0];
    while (lon - previous > 180) lon -= 360;
    while (previous - lon > 180) lon += 360;
    out.push([lon, ring[i][1]]);
  }
  const closes = Math.abs(out[out.length - 1][0] - out[0][0]) < 1e-9;
  return closes ? out : ring;
};
const countries = feature(topology, topology.objects.countries);
for (const item of countries.features) {
  const geometry = item.geometry;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const unwrapped = polygons.map((polygon) => polygon.map(unwrapRing));
  geometry.coordinates = roundCoords(geometry.type === "Polygon" ? unwrapped[0] : unwrapped);
}
const version = JSON.parse(
  fs.readFileSync(path.join(modules, "world-atlas/package.json"), "utf8"),
).version;
countries.source = `world-atlas ${version} countries-50m (Natural Earth, public domain)`;
fs.writeFileSync(path.join(data, "countries-50m.geojson"), JSON.stringify(countries));
console.log(`vendored ${copies.length} files; ${countries.features.length} countries`);
