/* Workplace Safety Basics: the quiz. The score is reported as
 * cmi.score.scaled; the LMS decides mastery (0.8) from the primary objective. */
var ANSWERS = { q1: "b", q2: "a", q3: "c" };

function markQuiz(form) {
  var right = 0, total = 0;
  for (var q in ANSWERS) {
    total++;
    var chosen = form.querySelector("input[name=" + q + "]:checked");
    if (chosen && chosen.value === ANSWERS[q]) right++;
  }
  var scaled = right / total;
  Course.score(scaled);
  Course.complete();
  document.getElementById("result").textContent =
    "You answered " + right + " of " + total + " questions correctly" +
    (scaled >= 0.8 ? ": well done." : ": review the hazards module and try again.");
  return false;
}
