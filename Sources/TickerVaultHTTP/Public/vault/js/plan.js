// Plans (docs/plan-format.md): checked on the device before they are encrypted; every problem
// names its field.

/** ISO 6166: two letters, nine letters or digits, and a Luhn check digit over the expanded digits. */
export function isinProblem(text) {
  if (typeof text !== "string" || !/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/.test(text)) return "is not an ISIN (two letters, nine letters or digits, a digit)";
  const digits = [...text.slice(0, 11)].map((c) => (c >= "A" ? (c.charCodeAt(0) - 55).toString() : c)).join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  const check = (10 - (sum % 10)) % 10;
  return Number(text[11]) === check ? null : `the check digit should be ${check}`;
}

const text = (v, max = 200) => typeof v === "string" && v.length >= 1 && v.length <= max;
const currency = (v) => typeof v === "string" && /^[A-Z]{3}$/.test(v);
const number = (v) => typeof v === "number" && Number.isFinite(v);
const date = (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v + "T00:00:00Z"))
  && new Date(v + "T00:00:00Z").toISOString().startsWith(v);

/** Every problem of a plan document, as "field: message"; empty when it is valid. */
export function planProblems(plan) {
  const problems = [];
  const need = (ok, field, message) => { if (!ok) problems.push(`${field}: ${message}`); };
  if (typeof plan !== "object" || plan === null || Array.isArray(plan)) return ["plan: must be a JSON object"];
  need(plan.type === "plan", "type", 'must be "plan"');
  need(text(plan.name), "name", "must be 1 to 200 characters");
  need(currency(plan.currency), "currency", "must be three capital letters such as EUR");
  const list = (name) => {
    if (plan[name] === undefined) return [];
    if (!Array.isArray(plan[name])) { problems.push(`${name}: must be a list`); return []; }
    return plan[name];
  };
  const ids = new Set();
  list("accounts").forEach((a, i) => {
    need(text(a?.id, 64) && !ids.has(a.id), `accounts[${i}].id`, "must be 1 to 64 characters, unique in the plan");
    if (text(a?.id, 64)) ids.add(a.id);
    need(text(a?.name), `accounts[${i}].name`, "must be 1 to 200 characters");
    need(["brokerage", "bank", "pension", "other"].includes(a?.kind), `accounts[${i}].kind`, "must be brokerage, bank, pension or other");
  });
  const account = (v, field) => need(ids.has(v), field, "must name an account of the plan");
  list("holdings").forEach((h, i) => {
    account(h?.account, `holdings[${i}].account`);
    const isin = isinProblem(h?.isin);
    need(!isin, `holdings[${i}].isin`, isin);
    need(number(h?.quantity) && h.quantity >= 0, `holdings[${i}].quantity`, "must be a number, 0 or more");
    need(number(h?.cost) && h.cost >= 0, `holdings[${i}].cost`, "must be a number, 0 or more");
    need(currency(h?.currency), `holdings[${i}].currency`, "must be three capital letters");
  });
  list("cash").forEach((c, i) => {
    account(c?.account, `cash[${i}].account`);
    need(number(c?.amount), `cash[${i}].amount`, "must be a number");
    need(currency(c?.currency), `cash[${i}].currency`, "must be three capital letters");
  });
  list("goals").forEach((g, i) => {
    need(text(g?.name), `goals[${i}].name`, "must be 1 to 200 characters");
    need(number(g?.target) && g.target > 0, `goals[${i}].target`, "must be a number above 0");
    need(date(g?.date), `goals[${i}].date`, "must be a date such as 2032-06-30");
  });
  list("contributions").forEach((c, i) => {
    account(c?.account, `contributions[${i}].account`);
    need(number(c?.monthly) && c.monthly >= 0, `contributions[${i}].monthly`, "must be a number, 0 or more");
    need(currency(c?.currency), `contributions[${i}].currency`, "must be three capital letters");
  });
  if (plan.assumptions !== undefined) {
    for (const key of ["return", "inflation"]) {
      const v = plan.assumptions?.[key];
      need(v === undefined || (number(v) && v >= -1 && v <= 1), `assumptions.${key}`, "must be a yearly rate between -1 and 1");
    }
  }
  return problems;
}

export function newPlan(name) {
  return { type: "plan", name, currency: "EUR", accounts: [], holdings: [], cash: [], goals: [], contributions: [], assumptions: { return: 0.05, inflation: 0.02 } };
}
