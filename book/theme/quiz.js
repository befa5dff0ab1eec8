// The chapter quizzes (`{{#quiz quiz.toml}}`, rendered by xtask's quiz
// preprocessor). The page holds the questions and options; which options
// are right, and why each option is right or wrong, come from the quiz's
// `data-key` (base64 of JSON), decoded only here. Each answer is kept in
// localStorage under "workbook-quiz:<quiz>:<question>", so a reader finds
// their results again; "Start the quiz again" forgets them. Nothing is
// fetched: the quiz works offline.
(function () {
  "use strict";

  const PREFIX = "workbook-quiz:";

  function decode(key) {
    const bytes = Uint8Array.from(atob(key), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  // Storage can be missing or refused (private windows, some file:// setups):
  // the quiz still marks answers, it only forgets them.
  const store = {
    get(name) {
      try {
        return JSON.parse(localStorage.getItem(name) || "null");
      } catch (_) {
        return null;
      }
    },
    set(name, value) {
      try {
        localStorage.setItem(name, JSON.stringify(value));
      } catch (_) {}
    },
    remove(name) {
      try {
        localStorage.removeItem(name);
      } catch (_) {}
    },
  };

  function setup(quiz) {
    let key;
    try {
      key = decode(quiz.dataset.key);
    } catch (error) {
      console.error("workbook quiz: cannot read the answer key", error);
      return;
    }
    const name = quiz.dataset.quiz;
    const questions = Array.from(quiz.querySelectorAll(".quiz-question"));
    const summary = quiz.querySelector(".quiz-summary");

    function storageName(section) {
      return PREFIX + name + ":" + section.dataset.question;
    }

    function inputs(section) {
      return Array.from(section.querySelectorAll("input.quiz-input"));
    }

    function chosen(section) {
      return inputs(section)
        .filter((input) => input.checked)
        .map((input) => Number(input.value));
    }

    function sameSet(a, b) {
      return a.length === b.length && a.every((x) => b.includes(x));
    }

    function button(text, className, onClick) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = className;
      b.textContent = text;
      b.addEventListener("click", onClick);
      return b;
    }

    // Clears the marks of a question and lets the reader answer again.
    function clear(section) {
      const result = section.querySelector(".quiz-result");
      result.replaceChildren();
      result.className = "quiz-result";
      delete result.dataset.outcome;
      section.classList.remove("quiz-answered");
      for (const option of section.querySelectorAll(".quiz-option")) {
        option.classList.remove("quiz-chosen", "quiz-right", "quiz-wrong");
        const why = option.querySelector(".quiz-why");
        why.hidden = true;
        why.replaceChildren();
      }
      for (const input of inputs(section)) {
        input.disabled = false;
      }
      section.querySelector(".quiz-check").disabled = false;
    }

    // Shows why option `index` is right or wrong, under the option.
    function explain(section, answer, index) {
      const option = section.querySelectorAll(".quiz-option")[index];
      const right = answer.right.includes(index);
      option.classList.add(right ? "quiz-right" : "quiz-wrong");
      const why = option.querySelector(".quiz-why");
      why.innerHTML =
        '<span class="quiz-verdict">' +
        (right ? "Right answer." : "Wrong answer.") +
        "</span> " +
        answer.why[index];
      why.hidden = false;
    }

    // Marks the question with the reader's choice; `reveal` explains every
    // option, as after a right answer or "Show the answer".
    function mark(section, picks, reveal) {
      const answer = key.questions[section.dataset.question];
      const right = sameSet(picks, answer.right);
      section.classList.add("quiz-answered");
      section.querySelector(".quiz-check").disabled = true;
      for (const input of inputs(section)) {
        input.checked = picks.includes(Number(input.value));
        input.disabled = true;
      }
      const options = section.querySelectorAll(".quiz-option");
      picks.forEach((i) => options[i].classList.add("quiz-chosen"));
      const shown = reveal || right ? options.length : 0;
      for (let i = 0; i < options.length; i++) {
        if (i < shown || picks.includes(i)) explain(section, answer, i);
      }
      const result = section.querySelector(".quiz-result");
      result.replaceChildren();
      result.dataset.outcome = right ? "right" : "wrong";
      result.className = "quiz-result " + (right ? "quiz-result-right" : "quiz-result-wrong");
      const message = document.createElement("p");
      message.className = "quiz-message";
      // With checkboxes, every choice can be right and still miss one.
      const onlyRightPicks = picks.every((i) => answer.right.includes(i));
      message.textContent = right
        ? "Right! Read why each answer is right or wrong above."
        : reveal
          ? "Not this time: the explanations above show the right answer."
          : onlyRightPicks
            ? "Part of it: what you chose is right, but another answer is right too. Try again."
            : "Not quite: read why under your answer, then try again.";
      result.append(message);
      const retry = button("Try again", "quiz-retry", () => {
        const saved = store.get(storageName(section)) || {};
        store.set(storageName(section), { tries: saved.tries || 0 });
        clear(section);
        update();
        const first = inputs(section)[0];
        if (first) first.focus();
      });
      if (!right) {
        result.append(retry);
        if (!reveal) {
          result.append(
            button("Show the answer", "quiz-reveal", () => {
              const saved = store.get(storageName(section)) || {};
              saved.revealed = true;
              store.set(storageName(section), saved);
              clear(section);
              mark(section, picks, true);
              update();
            }),
          );
        }
      }
    }

    function check(section) {
      const picks = chosen(section);
      const result = section.querySelector(".quiz-result");
      if (picks.length === 0) {
        result.className = "quiz-result";
        result.dataset.outcome = "none";
        result.textContent = "Choose an answer first.";
        return;
      }
      const answer = key.questions[section.dataset.question];
      const saved = store.get(storageName(section)) || {};
      const tries = (saved.tries || 0) + 1;
      store.set(storageName(section), {
        chosen: picks,
        right: sameSet(picks, answer.right),
        tries: tries,
      });
      mark(section, picks, false);
      update();
      // The outcome is announced (role="status"); focus follows it, since
      // the Check button is now disabled.
      result.tabIndex = -1;
      result.focus();
    }

    function update() {
      let right = 0;
      let first = 0;
      for (const section of questions) {
        const saved = store.get(storageName(section));
        if (saved && saved.right) {
          right += 1;
          if (saved.tries === 1 && !saved.revealed) first += 1;
        }
      }
      summary.textContent =
        "Answered right: " +
        right +
        " of " +
        questions.length +
        (right > 0 ? " (" + first + " at the first try)." : ".");
    }

    for (const section of questions) {
      section.querySelector(".quiz-check").addEventListener("click", () => check(section));
      const saved = store.get(storageName(section));
      if (saved && Array.isArray(saved.chosen) && saved.chosen.length > 0) {
        mark(section, saved.chosen, Boolean(saved.revealed));
      }
    }
    quiz.querySelector(".quiz-reset").addEventListener("click", () => {
      for (const section of questions) {
        store.remove(storageName(section));
        clear(section);
        for (const input of inputs(section)) input.checked = false;
      }
      update();
      const first = questions[0] && inputs(questions[0])[0];
      if (first) first.focus();
    });
    update();
  }

  for (const quiz of document.querySelectorAll(".quiz[data-key]")) {
    setup(quiz);
  }
})();
