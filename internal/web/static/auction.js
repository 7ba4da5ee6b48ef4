// The live auction page: a countdown to the stored close time, and the price,
// close time (anti-sniping extensions) and bid history kept current from the
// server's event stream, or by polling when EventSource is missing or fails.
// Without this script the page still works: it is rendered complete on the
// server and the bid form posts normally.
(function () {
  "use strict";
  var root = document.getElementById("auction");
  if (!root) return;
  var ends = Date.parse(root.getAttribute("data-ends"));
  var starts = Date.parse(root.getAttribute("data-starts"));
  var saleState = root.getAttribute("data-sale-state");
  var lastSeq = -1;
  var skew = 0; // server clock minus ours
  var status = document.getElementById("live-status");
  var countdown = document.getElementById("countdown");
  var es = null, pollTimer = null;
  var amountField = document.getElementById("amount_yuan");
  var suggested = amountField ? amountField.value : "";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var now = Date.now() + skew;
    if (saleState !== "open") { countdown.textContent = "—"; return; }
    if (now < starts) { countdown.textContent = root.getAttribute("data-not-started-text"); return; }
    var left = Math.max(0, Math.floor((ends - now) / 1000));
    if (left === 0) { countdown.textContent = root.getAttribute("data-closed-text"); return; }
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    countdown.textContent = (d ? d + "d " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    countdown.classList.toggle("soon", left < 300);
  }

  function setText(key, value) {
    root.querySelectorAll('[data-live="' + key + '"]').forEach(function (el) {
      el.textContent = value == null ? "" : String(value);
      if (el.id === "extension" || el.id === "outcome") el.hidden = !value;
    });
  }

  function showHidden(id, on) {
    var el = document.getElementById(id);
    if (el) el.hidden = !on;
  }

  function renderBids(bids) {
    var body = document.querySelector("#bid-history tbody");
    if (!body) return;
    var mineText = root.getAttribute("data-mine-text");
    while (body.firstChild) body.removeChild(body.firstChild);
    (bids || []).forEach(function (b) {
      var tr = document.createElement("tr");
      if (b.mine) tr.className = "mine";
      [String(b.seq), b.bidder + (b.mine ? " (" + mineText + ")" : ""), b.amount, b.at].forEach(function (text, i) {
        var td = document.createElement("td");
        td.textContent = text;
        if (i === 2) td.className = "num";
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    showHidden("no-bids", !bids || bids.length === 0);
  }

  function apply(st) {
    if (st.now) skew = Date.parse(st.now) - Date.now();
    ends = Date.parse(st.ends_at);
    starts = Date.parse(st.starts_at);
    saleState = st.state;
    // Keep the suggested amount at the new minimum unless the bidder typed one.
    var amount = document.getElementById("amount_yuan");
    if (amount && st.min_next_yuan && (amount.value === suggested || amount.value === "")) {
      amount.value = st.min_next_yuan;
      suggested = st.min_next_yuan;
    }
    ["state_text", "price", "min_next", "ends_text", "extension_text", "bid_count", "bidders", "reserve", "outcome_text"].forEach(function (k) {
      setText(k, st[k]);
    });
    showHidden("you-lead", st.you_lead);
    var follow = document.getElementById("follow-on");
    if (follow && st.follow_on) {
      follow.hidden = false;
      follow.querySelector("a").setAttribute("href", "/auctions/" + st.follow_on);
    }
    if (st.last_seq !== lastSeq) renderBids(st.bids);
    lastSeq = st.last_seq;
    root.setAttribute("data-seq", String(st.last_seq));
    if (st.state !== "open") {
      var btn = document.querySelector("#bid button[type=submit]");
      if (btn) btn.disabled = true;
      stop();
    }
    tick();
  }

  function stop() {
    if (es) { es.close(); es = null; }
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  }

  function poll() {
    if (pollTimer || saleState !== "open") return;
    status.textContent = status.getAttribute("data-poll-text");
    var url = root.getAttribute("data-state");
    var once = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (st) { if (st) apply(st); })
        .catch(function () {});
    };
    once();
    pollTimer = setInterval(once, 3000);
  }

  function listen() {
    if (!window.EventSource) { poll(); return; }
    var failures = 0;
    es = new EventSource(root.getAttribute("data-events"));
    es.addEventListener("state", function (ev) {
      failures = 0;
      status.textContent = status.getAttribute("data-sse-text");
      try { apply(JSON.parse(ev.data)); } catch (e) { /* a malformed event is skipped */ }
    });
    es.onerror = function () {
      failures++;
      // The browser retries by itself; after repeated failures (or when it
      // gives up) fall back to polling.
      if (!es || es.readyState === EventSource.CLOSED || failures >= 3) {
        if (es) { es.close(); es = null; }
        poll();
      }
    };
  }

  tick();
  setInterval(tick, 1000);
  if (saleState === "open") listen();
})();
