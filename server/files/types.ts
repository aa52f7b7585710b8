import { inflateRawSync } from 'node:zlib';

/**
 * The allow-list of uploads. A file is accepted only when its content (magic bytes, and for zip
 * and OLE containers what is inside) and its extension name the same type, so an HTML page named
 * .pdf, an SVG, an executable or a PNG named .pdf are all refused. The media type returned here
 * is the one stored and sent, never the browser's claim.
 */
const MEDIA_TYPES = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
} as const;

type Extension = keyof typeof MEDIA_TYPES;

export const ALLOWED_EXTENSIONS = Object.keys(MEDIA_TYPES) as Extension[];

/** For a form's `<input type="file" accept="…">` (a hint to the browser; the server still checks). */
export const ACCEPT_ATTRIBUTE = ALLOWED_EXTENSIONS.map((ext) => `.${ext}`).join(',');

const startsWith = (bytes: Buffer, magic: string | number[], at = 0) => {
  const expected = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : Buffer.from(magic);
  return bytes.length >= at + expected.length && bytes.subarray(at, at + expected.length).equals(expected);
};

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

// What an OOXML package's [Content_Types].xml declares for its main part, and the folder it sits in.
const OOXML: Partial<Record<Extension, { folder: string; main: string }>> = {
  docx: { folder: 'word/', main: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml' },
  xlsx: { folder: 'xl/', main: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml' },
  pptx: { folder: 'ppt/', main: 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml' },
};

// The stream every legacy Office file of that kind holds (names are UTF-16LE in the OLE directory);
// other OLE files (an .msi installer, say) hold none of them.
const OLE_STREAMS: Partial<Record<Extension, string[]>> = {
  doc: ['WordDocument'],
  xls: ['Workbook', 'Book'],
  ppt: ['PowerPoint Document'],
};

/** The extension of a client-supplied file name, lower-cased, or '' (path parts of either kind ignored). */
export function extensionOf(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The media type to store for an allowed file, or null when it is refused. */
export function allowedMediaType(name: string, bytes: Buffer): string | null {
  const ext = extensionOf(name);
  if (!Object.hasOwn(MEDIA_TYPES, ext)) return null;
  const extension = ext as Extension;
  return contentIs(extension, bytes) ? MEDIA_TYPES[extension] : null;
}

function contentIs(ext: Extension, bytes: Buffer): boolean {
  switch (ext) {
    case 'pdf':
      return startsWith(bytes, '%PDF-');
    case 'png':
      return startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'jpg':
    case 'jpeg':
      return startsWith(bytes, [0xff, 0xd8, 0xff]);
    case 'gif':
      return startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a');
    case 'webp':
      return startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8);
    case 'docx':
    case 'xlsx':
    case 'pptx':
      return isOoxml(bytes, OOXML[ext]!);
    case 'odt':
    case 'ods':
    case 'odp':
      return isOpenDocument(bytes, MEDIA_TYPES[ext]);
    case 'doc':
    case 'xls':
    case 'ppt':
      return startsWith(bytes, OLE_MAGIC) && OLE_STREAMS[ext]!.some((stream) => bytes.includes(Buffer.from(stream, 'utf16le')));
  }
}

function isOoxml(bytes: Buffer, { folder, main }: { folder: string; main: string }): boolean {
  const zip = zipEntries(bytes);
  if (!zip) return false;
  const types = zip.read('[Content_Types].xml');
  return !!types?.includes(`ContentType="${main}"`) && zip.names.some((name) => name.startsWith(folder));
}

function isOpenDocument(bytes: Buffer, mediaType: string): boolean {
  const zip = zipEntries(bytes);
  return zip?.read('mimetype')?.trim() === mediaType;
}

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

// Only small entries are read (the content-type list, the mimetype): a zip bomb inflates nothing big.
const MAX_ENTRY_BYTES = 256 * 1024;

/** The entries of a zip file from its central directory, or null when it is not a readable zip. */
function zipEntries(bytes: Buffer): { names: string[]; read(name: string): string | null } | null {
  if (!startsWith(bytes, ZIP_MAGIC)) return null;
  const end = findEndOfCentralDirectory(bytes);
  if (end < 0) return null;
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return null;
    const nameLength = bytes.readUInt16LE(at + 28);
    entries.push({
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      localOffset: bytes.readUInt32LE(at + 42),
      name: bytes.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return {
    names: entries.map((e) => e.name),
    read(name) {
      const entry = entries.find((e) => e.name === name);
      return entry ? readEntry(bytes, entry) : null;
    },
  };
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) === 0x06054b50) return at;
  }
  return -1;
}

function readEntry(bytes: Buffer, entry: Entry): string | null {
  const at = entry.localOffset;
  if (entry.size > MAX_ENTRY_BYTES || at + 30 > bytes.length || bytes.readUInt32LE(at) !== 0x04034b50) return null;
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const data = bytes.subarray(start, start + entry.compressedSize);
  try {
    if (entry.method === 0) return data.toString('utf8');
    if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES }).toString('utf8');
  } catch {
    return null;
  }
  return null;
}
