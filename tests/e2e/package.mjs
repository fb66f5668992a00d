// The installed package (make package-check): the app the .deb put in /usr/bin starts on the
// demo organisation, headless, to its first rows; prints the time it took.
import { launch, $, assert } from "./helpers.mjs";

const started = Date.now();
const s = await launch(["--demo"], $("demo-banner"));
try {
  await s.find('[data-testid="users-table"] [data-testid^="row-"]', 120_000);
  const ms = Date.now() - started;
  const title = await s.execute("return document.title");
  assert(title.includes("Rollcall"), `the window is titled ${title}`);
  console.log(`installed app: first rows of the demo organisation after ${ms} ms`);
} finally {
  await s.quit();
}
