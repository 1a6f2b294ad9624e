// Validates a Teams app package's manifest.json and localization files against Microsoft's own
// JSON schemas (npm @microsoft/app-manifest, pinned in package.json), offline.
// Usage: node validate-manifest.cjs <folder with manifest.json>   → prints "valid" or the errors.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv-draft-04");
const addFormats = require("ajv-formats");

const folder = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(path.join(folder, "manifest.json"), "utf8"));
const version = manifest.manifestVersion;
const schemas = path.join(__dirname, "node_modules/@microsoft/app-manifest/build/json-schemas/teams",
  `v${version}`);
// unicodeRegExp off: the localization schema has patterns that are only valid without the u flag
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
let problems = [];
function check(schemaFile, document, name) {
  const schema = JSON.parse(fs.readFileSync(path.join(schemas, schemaFile), "utf8"));
  const validate = ajv.compile(schema);
  if (!validate(document)) {
    problems = problems.concat(validate.errors.map((e) => `${name}${e.instancePath} ${e.message}`));
  }
}
check("MicrosoftTeams.schema.json", manifest, "manifest.json");
for (const language of (manifest.localizationInfo || {}).additionalLanguages || []) {
  const doc = JSON.parse(fs.readFileSync(path.join(folder, language.file), "utf8"));
  check("MicrosoftTeams.Localization.schema.json", doc, language.file);
}
if (problems.length) {
  console.log(problems.join("\n"));
  process.exit(1);
}
console.log(`valid against schema v${version}`);
