/* "Happening now and next", refreshed from the reader's clock. Optional: the page was right when it
   was built, and says as of when. This recomputes the two lists from the programme grid's session
   times (data-start, data-end), the same rule as the build: shown from two hours before the first
   session until the last one ends. */
(function () {
  "use strict";
  var LEAD_MS = 2 * 3600 * 1000;
  var box = document.getElementById("now-next");
  var zone = document.documentElement.getAttribute("data-zone") || "UTC";
  if (!box) { return; }
  var cards = Array.prototype.map.call(document.querySelectorAll(".session-card[data-start][data-end]"), function (card) {
    var link = card.querySelector(".session-title a");
    var room = card.querySelector(".session-room");
    return {
      start: Date.parse(card.getAttribute("data-start")),
      end: Date.parse(card.getAttribute("data-end")),
      endText: card.getAttribute("data-end"),
      href: link ? link.getAttribute("href") : "",
      title: link ? link.textContent : "",
      room: room ? room.textContent : ""
    };
  });
  if (!cards.length) { return; }
  var clock = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

  function item(card) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = card.href;
    link.textContent = card.title;
    var note = document.createElement("span");
    note.className = "note";
    var until = document.createElement("time");
    until.setAttribute("datetime", card.endText);
    until.textContent = clock.format(new Date(card.end));
    note.append("(" + (card.room ? card.room + ", " : "") + "until ", until, ")");
    li.append(link, " ", note);
    return li;
  }

  function fill(selector, chosen, emptyText, labelId) {
    var old = box.querySelector(selector);
    if (!old) { return; }
    var replacement;
    if (chosen.length) {
      replacement = document.createElement("ul");
      replacement.setAttribute("aria-labelledby", labelId);
      chosen.forEach(function (card) { replacement.append(item(card)); });
    } else {
      replacement = document.createElement("p");
      replacement.textContent = emptyText;
    }
    replacement.className = old.className;
    old.replaceWith(replacement);
  }

  function refresh() {
    var now = Date.now();
    var first = Math.min.apply(null, cards.map(function (c) { return c.start; }));
    var last = Math.max.apply(null, cards.map(function (c) { return c.end; }));
    box.hidden = !(now >= first - LEAD_MS && now < last);
    if (box.hidden) { return; }
    var upcoming = cards.filter(function (c) { return c.start > now; });
    var nextStart = Math.min.apply(null, upcoming.map(function (c) { return c.start; }));
    fill(".now-sessions", cards.filter(function (c) { return c.start <= now && now < c.end; }), "No session is under way.", "now-heading");
    fill(".next-sessions", upcoming.filter(function (c) { return c.start === nextStart; }), "Nothing more is on the programme.", "next-heading");
    var asOf = box.querySelector(".now-as-of");
    if (asOf) { asOf.textContent = "As of " + clock.format(new Date(now)) + " (" + zone + "), by your device’s clock."; }
  }

  refresh();
  window.setInterval(refresh, 60 * 1000);
}());
