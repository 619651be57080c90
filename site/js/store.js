// store.js: the person's corrected drawings, kept in this browser (IndexedDB) and
// nowhere else. A drawing is the network's 28x28 input as bytes (0..255, ink = 255,
// row-major: round(input * 255), as the CSV download holds it) and the digit it is.
//
// The adapted model is not stored: it is rebuilt from these drawings (adapting is
// deterministic, see adapt.js), so it always matches the shipped model it started from.

const DB_NAME = 'digitnn';
const DB_VERSION = 1;
const STORE = 'drawings';  // {pixels: Uint8Array(784), label: 0..9, time: ms since 1970}, key: 1, 2, ...

export const PIXELS = 784;

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

/** The network input (784 floats in [0, 1]) as the bytes stored and downloaded. */
export function toBytes(input) {
  const bytes = new Uint8Array(PIXELS);
  for (let i = 0; i < PIXELS; i++) bytes[i] = Math.round(255 * Math.min(1, Math.max(0, input[i])));
  return bytes;
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

  /** Adds a drawing: its 784 bytes and its digit. */
  async add(pixels, label) {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).add({ pixels, label, time: Date.now() });
    await committed(tx);
  }

  /** Every drawing, oldest first: [{pixels: Uint8Array(784), label}]. */
  async all() {
    const tx = this.db.transaction(STORE, 'readonly');
    const rows = await done(tx.objectStore(STORE).getAll());
    return rows.map(({ pixels, label }) => ({ pixels: new Uint8Array(pixels), label }));
  }

  /** Deletes every drawing. */
  async clear() {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await committed(tx);
  }
}

/** The original's CSV: header "label,1x1,...,28x28", then label,p0..p783 (0..255). */
export function drawingsToCsv(drawings) {
  const header = ['label'];
  for (let i = 0; i < PIXELS; i++) header.push(`${Math.floor(i / 28) + 1}x${(i % 28) + 1}`);
  const lines = [header.join(',')];
  for (const { pixels, label } of drawings) lines.push(`${label},${Array.prototype.join.call(pixels, ',')}`);
  return lines.join('\n') + '\n';
}
