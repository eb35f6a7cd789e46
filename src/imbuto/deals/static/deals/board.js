/* The deals board: drag a card to another column (SortableJS), the move goes to the server
   (POST /deals/<id>/move/, services.deal_move) with the version the card was drawn at; the board
   comes back redrawn, with the refusal (a conflict, a missing amount or reason) if any. Dropping on
   lost asks the reason and the competitor; on won without an amount, the amount. */
(function () {
  "use strict";

  function csrf(board) {
    var input = board.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function send(board, card, stage, extra) {
    var url = board.dataset.moveUrl.replace("/0/", "/" + card.dataset.deal + "/");
    var values = {
      stage: stage, version: card.dataset.version, csrfmiddlewaretoken: csrf(board),
      pipeline: board.dataset.pipeline,
      owner: document.getElementById("board-owner").value,
      team: document.getElementById("board-team").value,
      month: document.getElementById("board-month").value
    };
    Object.keys(extra || {}).forEach(function (k) { values[k] = extra[k]; });
    htmx.ajax("POST", url, { target: "#board", swap: "outerHTML", values: values });
  }

  function reload(board) {
    var params = new URLSearchParams({
      pipeline: board.dataset.pipeline, owner: document.getElementById("board-owner").value,
      team: document.getElementById("board-team").value, month: document.getElementById("board-month").value
    });
    htmx.ajax("GET", window.location.pathname + "?" + params.toString(), { target: "#board", swap: "outerHTML" });
  }

  function ask(board, card, stage, outcome) {
    var dialog = document.getElementById("move-dialog");
    var form = document.getElementById("move-form");
    var lost = outcome === "lost";
    form.reset();
    dialog.querySelector(".lost-fields").hidden = !lost;
    dialog.querySelector(".won-fields").hidden = lost;
    document.getElementById("move-error").hidden = true;
    dialog.onclose = function () {
      if (dialog.returnValue !== "ok") { reload(board); return; }
      var data = new FormData(form);
      var extra = {};
      data.forEach(function (value, key) { if (value) { extra[key] = value; } });
      send(board, card, stage, extra);
    };
    form.onsubmit = function (event) {
      var ok = event.submitter && event.submitter.value === "ok";
      var needed = lost ? document.getElementById("move-reason") : document.getElementById("move-amount");
      if (ok && !needed.value.trim()) {
        event.preventDefault();
        document.getElementById("move-error").hidden = false;
        needed.focus();
      }
    };
    dialog.showModal();
  }

  function init(root) {
    var board = root.id === "board" ? root : root.querySelector && root.querySelector("#board");
    if (!board || typeof Sortable === "undefined") { return; }
    board.querySelectorAll(".board-cards.droppable").forEach(function (list) {
      if (list.dataset.sortable) { return; }
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: { name: "deals", pull: list.dataset.outcome === "open", put: true },
        filter: ".closed", draggable: ".deal-card", delayOnTouchOnly: true, delay: 150, animation: 120,
        forceFallback: true, fallbackOnBody: true,
        onEnd: function (event) {
          if (event.from === event.to) { return; }
          var card = event.item, stage = event.to.dataset.stage, outcome = event.to.dataset.outcome;
          if (outcome === "lost" || (outcome === "won" && !card.dataset.amount)) {
            ask(board, card, stage, outcome);
          } else {
            send(board, card, stage, {});
          }
        }
      });
    });
  }

  function start() { htmx.onLoad(init); init(document); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
