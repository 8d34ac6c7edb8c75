(function () {
  "use strict";
  const root = document.getElementById("meeting");
  if (!root || root.dataset.editable !== "true") return;
  const api = "/meetings/" + encodeURIComponent(root.dataset.meeting);
  const table = document.getElementById("checklist");
  const message = document.getElementById("message");
  const rows = () => Array.from(table.querySelectorAll("tbody tr[data-student]"));

  // the API answers in English (its contract); the page shows the refusal in its own language
  const reasonOf = (body, status) => window.hoksError(body, status);

  async function send(method, url, data) {
    const response = await fetch(url, {method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: data === undefined ? undefined : JSON.stringify(data)});
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    return {ok: response.ok, status: response.status, body};
  }

  function rowData(tr) {
    const value = name => tr.querySelector('[data-field="' + name + '"]');
    const data = {};
    ["hoks_checked", "measures_taken", "committed", "progressing"].forEach(k => { data[k] = value(k).checked; });
    data.outcome = value("outcome").value;
    const target = value("referral_target").value, reason = value("referral_reason").value;
    data.referral_target = data.outcome === "referral" && target ? target : null;
    data.referral_reason = data.outcome === "referral" && reason ? reason : null;
    data.theme_flags = Array.from(tr.querySelectorAll("[data-flag]")).filter(c => c.checked).map(c => c.dataset.flag);
    return data;
  }

  function updateCount() {
    document.getElementById("confirmed-count").textContent = String(table.querySelectorAll("tr.confirmed").length);
  }

  async function saveRow(tr) {
    const state = tr.querySelector(".state");
    state.textContent = root.dataset.saving;
    const result = await send("PUT", api + "/checklist/" + encodeURIComponent(tr.dataset.student), rowData(tr));
    tr.classList.remove("pending", "error", "confirmed");
    if (result.ok) {
      tr.classList.add("confirmed");
      state.textContent = "✓ " + root.dataset.saved;
    } else {
      tr.classList.add("error");
      state.textContent = reasonOf(result.body, result.status);
    }
    updateCount();
    return result.ok;
  }

  // referral in one action: choosing a target makes the outcome a referral (with a reason)
  table.addEventListener("change", event => {
    const tr = event.target.closest("tr[data-student]");
    if (!tr) return;
    const outcome = tr.querySelector('[data-field="outcome"]');
    const target = tr.querySelector('[data-field="referral_target"]');
    const reason = tr.querySelector('[data-field="referral_reason"]');
    if (event.target === target && target.value) {
      outcome.value = "referral";
      if (!reason.value) reason.value = target.value === "valpas-notification" ? "study-right-interrupted" : "study-skills";
    }
    if (event.target === outcome && outcome.value !== "referral") { target.value = ""; reason.value = ""; }
    if (outcome.value === "referral" && (!target.value || !reason.value)) return;  // wait for the rest
    saveRow(tr);
  });

  // keyboard: Enter saves (confirms) the row and moves to the next student's first box
  table.addEventListener("keydown", async event => {
    if (event.key !== "Enter") return;
    const tr = event.target.closest("tr[data-student]");
    if (!tr) return;
    event.preventDefault();
    const ok = await saveRow(tr);
    const all = rows();
    const next = all[all.indexOf(tr) + 1];
    if (ok && next) next.querySelector("input,select").focus();
    else if (ok) document.getElementById("complete").focus();
  });

  document.getElementById("attendance").addEventListener("change", async event => {
    const box = event.target;
    if (!box.dataset.person) return;
    const result = await send("PUT", api + "/attendance", {attendance: [{person_oid: box.dataset.person, present: box.checked}]});
    message.textContent = result.ok ? "" : reasonOf(result.body, result.status);
  });

  const saveRecord = document.getElementById("save-record");
  if (saveRecord) saveRecord.addEventListener("click", async () => {
    const section = document.getElementById("student-record");
    const actions = Array.from(section.querySelectorAll("tr.action")).map(tr => ({
      action_code: tr.querySelector('[name="action_code"]').value,
      owner_oid: tr.querySelector('[name="owner_oid"]').value,
      due_date: tr.querySelector('[name="due_date"]').value,
    })).filter(a => a.action_code);
    const outcome = section.querySelector('[name="referral_outcome"]');
    const result = await send("PUT", api + "/student-record",
      {hoks_update: section.querySelector('[name="hoks_update"]').value, actions,
       referral_outcome: outcome && outcome.value ? outcome.value : null});
    message.textContent = result.ok ? "✓ " + root.dataset.saved : reasonOf(result.body, result.status);
  });

  document.getElementById("complete").addEventListener("click", async () => {
    const pending = rows().filter(tr => !tr.classList.contains("confirmed"));
    const result = await send("POST", api + "/complete");
    if (result.ok) {
      message.textContent = root.dataset.done;
      message.className = "good";
      setTimeout(() => window.location.reload(), 800);
    } else {
      message.textContent = reasonOf(result.body, result.status);
      message.className = "bad";
      if (pending.length) pending[0].querySelector("input,select").focus();
    }
  });
})();
