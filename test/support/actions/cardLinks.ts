/**
 * Helpers of the real tests that act from a card (test/real/actions.test.ts,
 * test/real/respond-cards.test.ts): the buttons of a posted card, the fields of a confirmation
 * page's form, and a free port for n8n chosen before it starts (Settings need the action URL).
 * No jest here (test/support is compiled without jest globals).
 */

export interface OpenUrl {
	title: string;
	url: string;
}

/** Every Action.OpenUrl of the rows' ActionSets of a Workflows message, in order. */
export function buttonsOf(body: unknown): OpenUrl[] {
	const buttons: OpenUrl[] = [];
	const walk = (node: unknown): void => {
		if (Array.isArray(node)) node.forEach(walk);
		else if (node && typeof node === 'object') {
			const o = node as Record<string, unknown>;
			if (o.type === 'ActionSet') for (const a of o.actions as OpenUrl[]) buttons.push({ title: a.title, url: a.url });
			else Object.values(o).forEach(walk);
		}
	};
	walk(body);
	return buttons;
}

/** The URL of the button with this title; throws naming the titles there are. */
export function button(buttons: OpenUrl[], title: string): string {
	const found = buttons.find((b) => b.title === title);
	if (!found) throw new Error(`no "${title}" button among ${buttons.map((b) => b.title).join(', ')}`);
	return found.url;
}

/** What the confirmation page's form posts: its hidden link fields (the person's fields are added by the caller). */
export function formOf(html: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const m of html.matchAll(/<input type="hidden" name="([a-z])" value="([^"]*)">/g)) fields[m[1]] = m[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
	return fields;
}
