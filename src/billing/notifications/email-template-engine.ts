import Handlebars from 'handlebars';
import { failure } from '../failures.js';
import type { EmailTemplateSource } from './default-templates.js';

/**
 * Handlebars, isolated: no partials or helpers beyond the built-ins (if, each, with, unless), and
 * prototype access refused, so a tenant's template can read only the context it is given. HTML is
 * escaped in the html template; subject and text are plain (no escaping, one line for the subject).
 */
const engine = Handlebars.create();

type Compiled = (context: unknown) => string;
const cache = new Map<string, Compiled>();

function compile(source: string, escape: boolean): Compiled {
  const key = `${escape ? 'h' : 't'}:${source}`;
  let compiled = cache.get(key);
  if (compiled === undefined) {
    const template = engine.compile(source, { noEscape: !escape, strict: false, knownHelpersOnly: true });
    compiled = (context) => template(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    if (cache.size > 500) cache.clear();
    cache.set(key, compiled);
  }
  return compiled;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(template: EmailTemplateSource, context: unknown): RenderedEmail {
  return {
    subject: compile(template.subject, false)(context).replace(/\s+/g, ' ').trim().slice(0, 300),
    text: compile(template.text, false)(context),
    html: compile(template.html, true)(context),
  };
}

/** Refuses a template that does not compile, naming the part and Handlebars' message. */
export function assertTemplateCompiles(template: EmailTemplateSource, sample: unknown): void {
  const problems: Array<{ path: string; message: string }> = [];
  for (const part of ['subject', 'text', 'html'] as const) {
    try {
      compile(template[part], part === 'html')(sample);
    } catch (error) {
      problems.push({ path: part, message: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
    }
  }
  if (problems.length > 0) throw failure('invalid_email_template', `The template does not compile: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { fields: problems });
}
