/* Adds the reader's own local time beside the conference-zone times. Optional: without it every
   time is still shown, labelled with the conference's zone. Nothing is added when the reader is in
   that zone already. */
(function () {
  "use strict";
  var conferenceZone = document.documentElement.getAttribute("data-zone") || "UTC";
  var readerZone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!readerZone || readerZone === conferenceZone) { return; }
  function formatter(zone) {
    return new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }
  var there = formatter(conferenceZone);
  var here = formatter(readerZone);

  function localLabel(moment) {
    var mine = here.formatToParts(moment);
    var theirs = there.formatToParts(moment);
    function part(parts, type) { return parts.filter(function (p) { return p.type === type; }).map(function (p) { return p.value; })[0] || ""; }
    var clock = part(mine, "hour") + ":" + part(mine, "minute");
    if (clock === part(theirs, "hour") + ":" + part(theirs, "minute") && part(mine, "weekday") === part(theirs, "weekday")) { return ""; }
    var day = part(mine, "weekday") !== part(theirs, "weekday") ? part(mine, "weekday") + " " : "";
    return day + clock;
  }

  document.querySelectorAll("main time[datetime*='T']").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime()) || !/\d:\d\d/.test(element.textContent)) { return; }  // dates alone stay as they are
    var label = localLabel(moment);
    if (!label) { return; }
    var mark = document.createElement("span");
    mark.className = "local-time";
    mark.textContent = " (" + label + " your time)";
    element.after(mark);
  });
  document.querySelectorAll(".zone-note").forEach(function (note) {
    note.append(" Times in brackets are in your own time zone, " + readerZone + ".");
  });
}());
