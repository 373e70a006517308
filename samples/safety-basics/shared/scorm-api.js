/* Workplace Safety Basics: a small SCORM 2004 run-time wrapper.
 * Finds the LMS's API_1484_11 object, starts the session on load and ends it
 * when the page closes. Pages run fine without an LMS (nothing is recorded). */
var Course = (function () {
  var api = null;
  var finished = false;

  function findAPI(win) {
    for (var tries = 0; win && tries < 10; tries++) {
      if (win.API_1484_11) return win.API_1484_11;
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }

  function locate() {
    var found = findAPI(window);
    if (!found && window.opener) found = findAPI(window.opener);
    return found;
  }

  function set(name, value) {
    if (api) api.SetValue(name, String(value));
  }

  return {
    start: function () {
      api = locate();
      if (api) api.Initialize("");
    },
    set: set,
    complete: function () {
      set("cmi.completion_status", "completed");
    },
    score: function (scaled) {
      set("cmi.score.scaled", scaled.toFixed(2));
      set("cmi.score.raw", Math.round(scaled * 100));
      set("cmi.score.min", 0);
      set("cmi.score.max", 100);
    },
    finish: function () {
      if (!api || finished) return;
      finished = true;
      api.Commit("");
      api.Terminate("");
    }
  };
})();

window.addEventListener("load", Course.start);
window.addEventListener("beforeunload", Course.finish);
