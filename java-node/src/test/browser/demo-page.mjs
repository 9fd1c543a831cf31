// Drives a page of Corral's browser client (the demo's, an example's) in real headless Chromium (Debian's, not a
// downloaded build):
//   node demo-page.mjs http://127.0.0.1:PORT/ SCREENSHOT.png
//   node demo-page.mjs https://127.0.0.1:PORT/ SCREENSHOT.png   (wss://; the test's throw-away certificate is
//                                                                  accepted: --ignore-certificate-errors)
// For every route section (client.js draws them): Open; then for kind "echo" Send and Send binary, for "chat" Send
// (the text comes back to this member too), for "push" wait for the server's first frame; then Close. Prints one
// JSON line: [{route, kind, received: [...], status}] with what the page showed.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, screenshot] = process.argv.slice(2);
const tls = url.startsWith("https:");
const profile = mkdtempSync(join(tmpdir(), "corral-chromium-"));
// A fresh profile each run (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         ...(tls ? ["--ignore-certificate-errors"] : [])],
  ignoreHTTPSErrors: tls,
});
const results = [];
try {
  const page = await browser.newPage();
  await page.goto(url);
  const sections = await page.locator("section[data-route]").all();
  for (const s of sections) {
    const route = await s.getAttribute("data-route");
    const kind = await s.getAttribute("data-kind");
    await s.locator(".open").click();
    await s.locator(".status", { hasText: /^open$/ }).waitFor({ timeout: 20000 });
    if (kind === "push") {
      await s.locator(".log .in").first().waitFor({ timeout: 20000 }); // the server's first frame
    } else {
      await s.locator(".msg").fill("hi " + route);
      await s.locator(".send").click();
      // A chat may prefix the sender ("#3 hi ..."): the text is looked for anywhere in the line.
      await s.locator(".log .in", { hasText: "hi " + route }).waitFor({ timeout: 20000 });
      if (kind === "echo") {
        await s.locator(".sendbin").click();
        await s.locator(".log .in", { hasText: "binary" }).waitFor({ timeout: 20000 });
      }
    }
    await s.locator(".close").click();
    await s.locator(".status", { hasText: /^closed/ }).waitFor({ timeout: 20000 });
    results.push({
      route,
      kind,
      received: (await s.locator(".log .in").allTextContents()).slice(0, 3),
      status: await s.locator(".status").textContent(),
    });
  }
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(results));
