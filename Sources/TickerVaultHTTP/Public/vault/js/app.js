// The vault page: sign in or register, list the plans, create, edit and delete them. Everything
// is encrypted here before it is sent; the server sees envelopes only.
import * as S from "./session.js";
import * as K from "./keys.js";
import { device } from "./device.js";
import { newPlan, planProblems } from "./plan.js";
import { base32 } from "./bytes.js";
import { identity } from "./objects.js";

const main = document.getElementById("main");
let session = null;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function field(label, id, attributes = {}) {
  return [element("label", { for: id }, label), element("input", { id, name: id, required: "", ...attributes })];
}

function show(title, ...content) {
  main.replaceChildren(element("h1", {}, title), ...content);
}

function problem(error) {
  return element("p", { class: "error", role: "alert" }, error instanceof Error ? error.message : String(error));
}

/** Runs a form's action; a failure is shown above the form, which keeps what was typed. */
function form(id, label, fields, action) {
  const node = element("form", { id }, ...fields, element("button", { type: "submit" }, label));
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    node.querySelector(".error")?.remove();
    const button = node.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await action(Object.fromEntries(new FormData(node)));
    } catch (error) {
      node.prepend(problem(error));
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

async function start() {
  const known = await device.load();
  if (known) return signInView(known);
  show("Your vault",
    element("p", {}, "Plans are encrypted in this browser with keys only you hold. Sign in, or create an account."),
    form("signin", "Sign in", [
      ...field("E-mail", "email", { type: "email", autocomplete: "username" }),
      ...field("Password", "password", { type: "password", autocomplete: "current-password" }),
      ...field("Secret Key (from your Emergency Kit)", "secretKey", { autocomplete: "off", size: 40 }),
    ], async (values) => {
      const secretKey = K.secretKeyText.decode(values.secretKey);
      await opened(await S.logIn(values.email, values.password, secretKey), values.email, values.secretKey.trim().toUpperCase());
    }),
    element("h2", {}, "New account"),
    form("register", "Create account", [
      ...field("E-mail", "newEmail", { type: "email", autocomplete: "username" }),
      ...field("Password (at least 8 characters)", "newPassword", { type: "password", autocomplete: "new-password", minlength: "8" }),
    ], async (values) => {
      const made = await S.register(values.newEmail, values.newPassword);
      await device.save({ email: made.session.account.email, secretKey: made.secretKey, pins: made.session.pins });
      session = made.session;
      kitView(made);
    }),
    recoverForm());
}

function recoverForm() {
  return element("details", {}, element("summary", {}, "Forgot the password or lost the Secret Key?"),
    form("recover", "Recover", [
      ...field("E-mail", "recoverEmail", { type: "email", autocomplete: "username" }),
      ...field("Recovery Key (TKR1-…)", "recoveryKey", { autocomplete: "off", size: 60 }),
      ...field("New password (at least 8 characters)", "recoverPassword", { type: "password", autocomplete: "new-password", minlength: "8" }),
    ], async (values) => {
      const kit = await S.recover(values.recoverEmail, values.recoveryKey, values.recoverPassword);
      await device.forget();
      show("Recovered: save your new Emergency Kit",
        element("p", {}, "Your old Secret Key and Recovery Key no longer work. Every session has ended."),
        element("dl", { id: "kit" },
          element("dt", {}, "Secret Key"), element("dd", { id: "secret-key" }, kit.secretKey),
          element("dt", {}, "Recovery Key"), element("dd", { id: "recovery-key" }, kit.recoveryKey)),
        element("button", { type: "button", id: "saved", onclick: () => start() }, "I saved them; sign in"));
    }));
}

function signInView(known) {
  show("Sign in",
    element("p", {}, `This browser knows ${known.email}.`),
    form("signin", "Sign in", [...field("Password", "password", { type: "password", autocomplete: "current-password" })], async (values) => {
      await opened(await S.logIn(known.email, values.password, K.secretKeyText.decode(known.secretKey), known.pins), known.email, known.secretKey);
    }),
    element("button", { type: "button", id: "forget", onclick: async () => { await device.forget(); start(); } }, "Use another account"),
    recoverForm());
}

async function opened(newSession, email, secretKey) {
  session = newSession;
  await device.save({ email: session.account.email, secretKey, pins: session.pins });
  await listView();
}

function kitView(made) {
  show("Save your Emergency Kit",
    element("p", {}, "Write these down or print this page now. Nobody can recover them for you, not even the people who run this server."),
    element("dl", { id: "kit" },
      element("dt", {}, "Secret Key"), element("dd", { id: "secret-key" }, made.secretKey),
      element("dt", {}, "Recovery Key"), element("dd", { id: "recovery-key" }, made.recoveryKey)),
    element("button", { type: "button", id: "saved", onclick: () => listView() }, "I saved them"));
}

async function listView() {
  const items = Object.values(await session.items());
  await device.save({ ...(await device.load()), pins: session.pins });
  const rows = items.filter((i) => i.contentType === S.ContentType.plan).map((item) => {
    const plan = JSON.parse(new TextDecoder().decode(item.json));
    return element("tr", {},
      element("td", {}, plan.name ?? "(no name)"),
      element("td", {}, String(item.version)),
      element("td", {},
        element("button", { type: "button", "aria-label": `edit ${plan.name}`, onclick: () => editView(item.itemID, plan) }, "Edit"),
        " ",
        element("button", { type: "button", "aria-label": `delete ${plan.name}`, onclick: async () => { await session.delete(item.itemID); listView(); } }, "Delete"),
        " ",
        element("button", { type: "button", "aria-label": `share ${plan.name}`, onclick: () => shareView(item.itemID, plan.name) }, "Share")));
  });
  const { document: contacts } = await session.contacts();
  const pinned = Object.fromEntries(contacts.contacts.map((c) => [c.user_id, base32.decode(c.fingerprint, 20, "a fingerprint")]));
  const received = (await session.received(pinned)).map((r) => {
    const plan = JSON.parse(new TextDecoder().decode(r.json));
    const from = contacts.contacts.find((c) => c.user_id === r.senderID)?.email ?? r.senderID;
    return element("li", {}, `${plan.name ?? "(no name)"}, from ${from}`);
  });
  show("Your plans",
    element("table", { id: "plans" }, element("thead", {}, element("tr", {}, element("th", {}, "Plan"), element("th", {}, "Version"), element("th", {}, ""))),
      element("tbody", {}, ...rows)),
    element("p", {}, element("button", { type: "button", id: "new-plan", onclick: () => editView(null, newPlan("New plan")) }, "New plan"),
      " ", element("button", { type: "button", id: "contacts", onclick: () => contactsView() }, "Contacts"),
      " ", element("button", { type: "button", id: "change-password", onclick: () => passwordView() }, "Change password"),
      " ", element("button", { type: "button", id: "signout", onclick: async () => { await session.logOut(); session = null; start(); } }, "Sign out")),
    element("h2", {}, "Shared with you"),
    received.length ? element("ul", { id: "received" }, ...received) : element("p", { id: "received" }, "Nothing yet (only shares from verified contacts show)."));
}

async function contactsView() {
  const { document: book } = await session.contacts();
  const own = identity.fingerprintText(await identity.fingerprint(session.account.bundle));
  show("Contacts",
    element("p", {}, "Your fingerprint, to read out to people who share with you: ", element("code", { id: "own-fingerprint" }, own)),
    element("ul", { id: "contact-list" }, ...book.contacts.map((c) => element("li", {}, `${c.email ?? c.user_id}: ${c.fingerprint}`))),
    element("h2", {}, "Verify a contact"),
    element("p", {}, "Compare the fingerprint with the person in person or by phone: it is what stops a server from handing you its own key."),
    form("verify", "Verify", [
      ...field("E-mail", "contactEmail", { type: "email" }),
      ...field("Their fingerprint (leave empty to see what the server says)", "contactFingerprint", { autocomplete: "off", size: 50 }),
    ], async (values) => { await session.verifyContact(values.contactEmail, values.contactFingerprint); await contactsView(); }),
    element("button", { type: "button", onclick: () => listView() }, "Back"));
  main.querySelector("#contactFingerprint").removeAttribute("required");
}

async function shareView(itemID, name) {
  const { document: book } = await session.contacts();
  show(`Share ${name}`,
    form("share", "Share", [...field("A verified contact's e-mail", "shareEmail", { type: "email" })], async (values) => {
      const contact = book.contacts.find((c) => c.email === values.shareEmail.trim().toLowerCase());
      if (!contact) throw new Error(`${values.shareEmail} is not a verified contact: verify them under Contacts first`);
      await session.share(itemID, contact.email, base32.decode(contact.fingerprint, 20, "a fingerprint"));
      await listView();
    }),
    element("button", { type: "button", onclick: () => listView() }, "Cancel"));
}

function passwordView() {
  show("Change password",
    element("p", {}, "Your other sessions end; the Secret Key stays the same."),
    form("password-change", "Change", [
      ...field("New password (at least 8 characters)", "changed", { type: "password", autocomplete: "new-password", minlength: "8" }),
      ...field("New password again", "again", { type: "password", autocomplete: "new-password", minlength: "8" }),
    ], async (values) => {
      if (values.changed !== values.again) throw new Error("the two entries differ");
      const known = await device.load();
      await session.changePassword(values.changed, K.secretKeyText.decode(known.secretKey));
      await device.save({ ...known, pins: session.pins });
      await listView();
    }),
    element("button", { type: "button", onclick: () => listView() }, "Cancel"));
}

/** Checks a plan (fields, then its ISINs against the current list) and saves it. */
function saver(itemID) {
  // ISINs the current list does not know are allowed (lists lag new issues) once the user saw them.
  let acknowledged = null;
  return async (plan) => {
    const problems = planProblems(plan);
    if (problems.length) throw new Error(problems.join("; "));
    const unknown = [];
    for (const [index, holding] of (plan.holdings ?? []).entries()) {
      if ((await session.isinKnown(holding.isin)) === false) unknown.push(`holdings[${index}].isin: ${holding.isin} is not in the current ISIN list`);
    }
    const text = JSON.stringify(plan);
    if (unknown.length && acknowledged !== text) {
      acknowledged = text;
      throw new Error(`${unknown.join("; ")}. Save again to keep them.`);
    }
    await session.put(itemID, S.ContentType.plan, S.utf8(text));
    await listView();
  };
}

// The sections of a plan as rows of fields (docs/plan-format.md).
const kinds = ["brokerage", "bank", "pension", "other"];
const sections = [
  { key: "accounts", title: "Accounts", fields: [["id", "Id"], ["name", "Name"], ["kind", "Kind", kinds]] },
  { key: "holdings", title: "Holdings", fields: [["account", "Account"], ["isin", "ISIN"], ["quantity", "Quantity", "number"], ["cost", "Cost", "number"], ["currency", "Currency"]] },
  { key: "cash", title: "Cash", fields: [["account", "Account"], ["amount", "Amount", "number"], ["currency", "Currency"]] },
  { key: "goals", title: "Goals", fields: [["name", "Name"], ["target", "Target", "number"], ["date", "Date", "date"]] },
  { key: "contributions", title: "Monthly contributions", fields: [["account", "Account"], ["monthly", "Monthly", "number"], ["currency", "Currency"]] },
];

function input(name, type, value, label) {
  if (Array.isArray(type)) {
    const select = element("select", { name, "aria-label": label }, ...type.map((option) => element("option", { value: option }, option)));
    select.value = value ?? type[0];
    return select;
  }
  const node = element("input", { name, "aria-label": label, type: type ?? "text", ...(type === "number" ? { step: "any" } : {}) });
  node.value = value ?? "";
  return node;
}

function sectionRows(section, values) {
  const body = element("tbody", {});
  const add = (row = {}) => {
    const tr = element("tr", { class: "row" }, ...section.fields.map(([key, label, type]) =>
      element("td", {}, input(`${section.key}.${key}`, type, row[key] === undefined ? undefined : String(row[key]), label))));
    tr.append(element("td", {}, element("button", { type: "button", "aria-label": `remove ${section.title.toLowerCase()} row`, onclick: () => tr.remove() }, "Remove")));
    tr.extra = row; // fields this editor does not show are kept
    body.append(tr);
  };
  for (const row of values ?? []) add(row);
  return element("fieldset", { id: `section-${section.key}` },
    element("legend", {}, section.title),
    element("table", {}, element("thead", {}, element("tr", {}, ...section.fields.map(([, label]) => element("th", {}, label)), element("th", {}, ""))), body),
    element("button", { type: "button", id: `add-${section.key}`, onclick: () => add() }, `Add ${section.title.toLowerCase()}`));
}

/** The plan as the form shows it, over the original so that unknown fields survive. */
function planFromForm(node, original) {
  const plan = { ...original, name: node.querySelector("[name=name]").value, currency: node.querySelector("[name=currency]").value };
  for (const section of sections) {
    plan[section.key] = [...node.querySelectorAll(`#section-${section.key} tr.row`)].map((tr) => {
      const row = { ...tr.extra };
      for (const [key, , type] of section.fields) {
        const value = tr.querySelector(`[name="${section.key}.${key}"]`).value;
        row[key] = type === "number" ? (value.trim() === "" ? NaN : Number(value)) : value;
      }
      return row;
    });
  }
  const rate = (name) => { const v = node.querySelector(`[name=${name}]`).value; return v.trim() === "" ? undefined : Number(v); };
  plan.assumptions = { ...(original.assumptions ?? {}), return: rate("return"), inflation: rate("inflation") };
  for (const key of ["return", "inflation"]) if (plan.assumptions[key] === undefined) delete plan.assumptions[key];
  return plan;
}

function editView(itemID, plan) {
  const save = saver(itemID);
  const rate = (name, label) => { const node = input(name, "number", plan.assumptions?.[name] === undefined ? "" : String(plan.assumptions[name]), label); return [element("label", {}, label, " ", node)]; };
  const node = form("editor", "Save", [
    ...field("Name", "name"), ...field("Currency (reporting)", "currency", { size: 3 }),
    ...sections.map((section) => sectionRows(section, plan[section.key])),
    element("fieldset", {}, element("legend", {}, "Assumptions (yearly rates, 0.05 for 5%)"), ...rate("return", "Return"), " ", ...rate("inflation", "Inflation")),
  ], async () => save(planFromForm(node, plan)));
  node.querySelector("[name=name]").value = plan.name ?? "";
  node.querySelector("[name=currency]").value = plan.currency ?? "";
  show(itemID ? `Edit ${plan.name}` : "New plan",
    element("p", {}, "Every problem names its field; the ISINs are checked against the current list without telling the server which ones."),
    node,
    element("button", { type: "button", id: "json-mode", onclick: () => jsonView(itemID, planFromForm(node, plan)) }, "Edit as JSON"),
    " ", element("button", { type: "button", onclick: () => listView() }, "Cancel"));
}

/** The plan's JSON, for what the form does not show. */
function jsonView(itemID, plan) {
  const save = saver(itemID);
  const editor = element("textarea", { id: "plan", name: "plan", rows: "24", cols: "80", spellcheck: "false" });
  editor.value = JSON.stringify(plan, null, 2);
  show(itemID ? `Edit ${plan.name}` : "New plan",
    element("p", {}, "The plan's fields are described in docs/plan-format.md; every problem names its field."),
    form("editor", "Save", [editor], async (values) => {
      let parsed;
      try { parsed = JSON.parse(values.plan); } catch (e) { throw new Error(`not JSON: ${e.message}`); }
      await save(parsed);
    }),
    element("button", { type: "button", onclick: () => listView() }, "Cancel"));
}

start().catch((error) => main.replaceChildren(problem(error)));
