// store.js: the person's drawings, kept in this browser (IndexedDB) and nowhere else: the
// ones they corrected, and the ones whose guess they let stand ("accepted"). A drawing is
// the network's 28x28 input as bytes (0..255, ink = 255, row-major: round(input * 255),
// as the CSV download holds it: formats.js) and the digit it is.
//
// The adapted model is not stored: it is rebuilt from these drawings (adapting is
// deterministic, see training_set.js), so it always matches the shipped model it started from.

const DB_NAME = 'digitnn';
const DB_VERSION = 1;
// {pixels: Uint8Array(784), label: 0..9, time: ms since 1970, accepted: true if the guess
// was let stand (absent for a correction)}, key: 1, 2, ...
const STORE = 'drawings';

/** Promise of an IDBRequest's result. */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Promise that a transaction has committed. */
function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export class DrawingStore {
  /** Opens (creating on first use) the browser's database. */
  static async open() {
    if (typeof indexedDB === 'undefined') throw new Error('this browser has no IndexedDB');
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { autoIncrement: true });
    };
    return new DrawingStore(await done(request));
  }

  constructor(db) {
    this.db = db;
  }

  /**
   * Adds drawings ({pixels, label, accepted?}) and deletes the ones with the keys in
   * `remove`, in one transaction. Sets each added drawing's `key`.
   */
  async put(drawings, remove = []) {
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    for (const d of drawings) {
      const record = { pixels: d.pixels, label: d.label, time: Date.now() };
      if (d.accepted) record.accepted = true;
      store.add(record).onsuccess = (e) => { d.key = e.target.result; };
    }
    for (const key of remove) store.delete(key);
    await committed(tx);
  }

  /** Every drawing, oldest first: [{pixels: Uint8Array(784), label, accepted, key}]. */
  async all() {
    const tx = this.db.transaction(STORE, 'readonly');
    const store = tx.objectStore(STORE);
    const [rows, keys] = await Promise.all([done(store.getAll()), done(store.getAllKeys())]);
    return rows.map(({ pixels, label, accepted }, i) => ({
      pixels: new Uint8Array(pixels), label, accepted: accepted === true, key: keys[i],
    }));
  }

  /** Deletes every drawing. */
  async clear() {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await committed(tx);
  }
}
