// What this browser remembers of the account between visits, in IndexedDB: the e-mail, the
// Secret Key (a trusted device keeps it, as `ticker vault` does) and the pins. No password, no
// key that opens the vault without the password. Keys of a session live in memory only.
const DB = "ticker-vault", STORE = "device", KEY = "account";

function database() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact(mode, body) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = body(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request?.result);
    tx.onerror = () => reject(tx.error);
  });
}

export const device = {
  load: () => transact("readonly", (s) => s.get(KEY)),
  save: (record) => transact("readwrite", (s) => s.put(record, KEY)),
  forget: () => transact("readwrite", (s) => s.delete(KEY)),
};
