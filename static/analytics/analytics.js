/* Escalation analytics: the viewer's time zone (so periods and times are theirs) and the
   what-if slider's live value. Every control also works as a plain GET form without it. */
(function () {
  "use strict";

  var ZONE_COOKIE = "ladder_tz";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    zone = "";
  }
  if (zone) {
    document.cookie = ZONE_COOKIE + "=" + encodeURIComponent(zone) + "; path=/analytics/; SameSite=Lax; max-age=31536000";
    document.querySelectorAll('input[name="tz"]').forEach(function (input) {
      if (!input.value) input.value = zone;
    });
  }

  var slider = document.getElementById("threshold");
  var shown = document.getElementById("threshold-value");
  if (slider && shown) {
    var show = function () {
      shown.textContent = Number(slider.value).toFixed(2);
    };
    slider.addEventListener("input", show);
    show();
  }
  // The filter form carries the slider's value, so "Show" keeps the chosen threshold.
  var choices = document.getElementById("choices");
  if (choices && slider) {
    choices.addEventListener("submit", function () {
      var kept = choices.querySelector('input[name="threshold"]');
      if (kept) kept.value = slider.value;
    });
  }
})();
