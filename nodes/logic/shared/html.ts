/**
 * The one HTML document shape of the pages n8n serves for the package (the status page and the
 * action confirmation pages): a policy that lets the page do nothing but show itself, and the
 * page's only stylesheet inline, allowed by its hash.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../statusPage/escape';

/**
 * A Content-Security-Policy that allows no script and no external resource of any kind: only the
 * given inline stylesheet (by its hash) and data: images (the empty icon below). Shipped as a
 * <meta> element because n8n replaces a Content-Security-Policy header set by Respond to Webhook
 * with its own sandbox policy; the browser enforces both.
 */
export function pagePolicy(css: string): string {
	const hash = createHash('sha256').update(css, 'utf8').digest('base64');
	return [
		"default-src 'none'",
		"script-src 'none'",
		`style-src 'sha256-${hash}'`,
		'img-src data:',
		"font-src 'none'",
		"connect-src 'none'",
		"object-src 'none'",
		"base-uri 'none'",
	].join('; ');
}

export interface HtmlDocument {
	/** the page's language (BCP 47), for the lang attribute */
	lang: string;
	title: string;
	/** the stylesheet, inline */
	css: string;
	/** pagePolicy(css) */
	policy: string;
	/** the body's inner HTML, already escaped */
	body: string;
}

export function htmlDocument(page: HtmlDocument): string {
	return [
		'<!DOCTYPE html>',
		`<html lang="${escapeHtml(page.lang)}">`,
		'<head>',
		'<meta charset="utf-8">',
		`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(page.policy)}">`,
		'<meta name="referrer" content="no-referrer">',
		'<meta name="robots" content="noindex, nofollow">',
		'<meta name="viewport" content="width=device-width, initial-scale=1">',
		// an empty icon, so the browser does not fetch /favicon.ico (which the policy would refuse)
		'<link rel="icon" href="data:,">',
		`<title>${escapeHtml(page.title)}</title>`,
		`<style>${page.css}</style>`,
		'</head>',
		`<body>${page.body}</body>`,
		'</html>',
	].join('\n');
}
