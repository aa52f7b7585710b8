import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// Raw HTML in Markdown is escaped by markdown-it (html: false); sanitize-html is the second
// line of defence and the place that decides which links and images are allowed.
const md = new MarkdownIt({ html: false, linkify: false, typographer: true });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'code',
    'pre',
    'blockquote',
    'a',
    'img',
    'hr',
    'br',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    's',
  ],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'title'], th: ['style'], td: ['style'] },
  allowedStyles: { '*': { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: [] }, // images only from the course's own assets (relative URLs)
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: /^https?:/.test(attribs.href ?? '') ? { ...attribs, rel: 'noopener noreferrer' } : attribs }),
    // A level-one heading in a module would compete with the page's own title.
    h1: 'h2',
  },
};

/** Markdown to safe HTML; relative image paths are rewritten to the course's asset URL. */
export function renderMarkdown(source: string, assetBase: string): string {
  const html = sanitizeHtml(md.render(source), { ...SANITIZE, allowedAttributes: { ...SANITIZE.allowedAttributes, a: ['href', 'title', 'rel'] } });
  return html.replace(/<img src="(?:\.\/)?assets\/([A-Za-z0-9._-]+)"/g, (_m, file: string) => `<img loading="lazy" src="${assetBase}/${file}"`);
}
