// Corral's browser client: the script the demo page and every example page load from /corral/client.js (served
// by Corral from its jar beside any page). Plain JavaScript, no build step, no dependency.
//
//   <div id="routes"></div>
//   <script src="/corral/client.js"></script>
//   <script>corralRoutes(document.getElementById("routes"), [
//     ["/echo", "Java: echoes text and binary frames"],           // kind "echo" (the default)
//     ["/chat/lobby", "a chat room", "chat"],                     // texts reach every member; no binary echo
//     ["/clock", "pushes the time", "push"],                      // the server sends first
//   ]);</script>
//
// Each route gets a section (data-route, data-kind) with Open, a message field, Send, Send binary and Close
// (code 1000); frames both ways and the close code are logged under it. The browser test drives these sections.
"use strict";

(() => {
  const style = document.createElement("style");
  style.textContent = `
    body { font: 15px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 62em; padding: 0 1em; }
    section { border: 1px solid #ccc; border-radius: 6px; padding: .6em 1em; margin: .8em 0; }
    h2 { font-size: 1.05em; margin: 0 0 .3em; } h2 code { font-weight: normal; }
    .status { font-weight: bold; margin-left: .5em; } .log { font: 13px monospace; max-height: 9em; overflow: auto;
    background: #f6f6f6; margin: .4em 0 0; padding: .3em .5em; white-space: pre-wrap; } .log:empty { display: none; }
    .in { color: #05a; } .out { color: #a50; } .ev { color: #555; }`;
  document.head.append(style);
})();

// ws:// or wss://, as the page itself was served (http: or https:).
const corralBase = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;

function corralRoute(path, what, kind) {
  const s = document.createElement("section");
  s.dataset.route = path;
  s.dataset.kind = kind || "echo";
  const h = document.createElement("h2");
  const url = document.createElement("code");
  url.textContent = corralBase + path;
  h.append(url, " \u2014 " + what);
  s.append(h);
  s.insertAdjacentHTML("beforeend", `
    <button class="open">Open</button> <input class="msg" value="hello from the browser" size="28">
    <button class="send" disabled>Send</button> <button class="sendbin" disabled>Send binary</button>
    <button class="close" disabled>Close</button> <span class="status">not connected</span>
    <div class="log"></div>`);
  const $ = c => s.querySelector("." + c);
  let ws = null;
  const log = (cls, text) => {
    const line = document.createElement("div");
    line.className = cls;
    line.textContent = text;
    $("log").append(line);
    $("log").scrollTop = $("log").scrollHeight;
  };
  const connected = on => {
    $("send").disabled = $("sendbin").disabled = $("close").disabled = !on;
    $("open").disabled = on;
  };
  $("open").onclick = () => {
    ws = new WebSocket(corralBase + path);
    ws.binaryType = "arraybuffer";
    $("status").textContent = "connecting";
    ws.onopen = () => { $("status").textContent = "open"; connected(true); log("ev", "open"); };
    ws.onmessage = e => {
      if (typeof e.data === "string") log("in", "\u2190 text: " + e.data);
      else log("in", "\u2190 binary " + e.data.byteLength + " bytes: " + new TextDecoder().decode(e.data));
    };
    ws.onerror = () => log("ev", "error");
    ws.onclose = e => {
      const text = "closed: code " + e.code + (e.reason ? " reason " + JSON.stringify(e.reason) : "")
          + (e.wasClean ? ", clean" : ", not clean");
      $("status").textContent = text;
      log("ev", text);
      connected(false);
    };
  };
  $("send").onclick = () => { ws.send($("msg").value); log("out", "\u2192 text: " + $("msg").value); };
  $("sendbin").onclick = () => {
    const bytes = new TextEncoder().encode($("msg").value);
    ws.send(bytes);
    log("out", "\u2192 binary " + bytes.length + " bytes: " + $("msg").value);
  };
  $("close").onclick = () => { ws.close(1000); log("out", "\u2192 close 1000"); };
  return s;
}

// One section per [path, description, kind] in routes, appended to container.
function corralRoutes(container, routes) {
  for (const [path, what, kind] of routes) container.append(corralRoute(path, what, kind));
}
