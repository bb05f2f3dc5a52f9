// The vault's page. Its client modules (bytes.js, primitives.js, keys.js, objects.js) encrypt
// and check everything in the browser; the page itself is being built (sign-in, plan editor).
import { canonicalEmail } from "./bytes.js";

const status = document.getElementById("status");
if (status && canonicalEmail("A@B") === "a@b") status.textContent = "The browser client is loaded. Use `ticker vault` until the editor ships.";
