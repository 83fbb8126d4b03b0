/** The status page: read the request, shape the query rows, render the HTML. */
export { checkSettings, DEFAULT_SETTINGS, parseRequest } from './params';
export type { ParseResult } from './params';
export { checkRequest } from './request';
export { toPageData } from './normalize';
export type { QueryRows, Row } from './normalize';
export { renderBadRequest, renderStatusPage } from './render';
export type { RenderedPage } from './render';
export { escapeHtml, safeHttpUrl } from './escape';
export { PAGE_CSP } from './style';
export type { PageRequest, PageSettings, PageData } from './types';
