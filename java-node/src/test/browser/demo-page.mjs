// Drives the demo's browser page in real headless Chromium (Debian's, not a downloaded build):
//   node demo-page.mjs http://127.0.0.1:PORT/ SCREENSHOT.png
// For every route on the page: Open, then Send (text) and Send binary where the route echoes, then Close; prints
// one JSON line: [{route, received: [...], status}] with what the page showed.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, screenshot] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "corral-chromium-"));
// A fresh profile each run (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = [];
try {
  const page = await browser.newPage();
  await page.goto(url);
  const sections = await page.locator("section[data-route]").all();
  for (const s of sections) {
    const route = await s.getAttribute("data-route");
    const echoes = !route.includes("clock");
    await s.locator(".open").click();
    await s.locator(".status", { hasText: /^open$/ }).waitFor({ timeout: 20000 });
    if (echoes) {
      await s.locator(".msg").fill("hi " + route);
      await s.locator(".send").click();
      await s.locator(".log .in", { hasText: "text: hi " + route }).waitFor({ timeout: 20000 });
      if (!route.startsWith("/chat")) {
        await s.locator(".sendbin").click();
        await s.locator(".log .in", { hasText: "binary" }).waitFor({ timeout: 20000 });
      }
    } else {
      await s.locator(".log .in").first().waitFor({ timeout: 20000 }); // the clock's first tick
    }
    await s.locator(".close").click();
    await s.locator(".status", { hasText: /^closed/ }).waitFor({ timeout: 20000 });
    results.push({
      route,
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
