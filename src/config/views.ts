// Views: which panes are shown and how they are arranged, per size tier. YAML files in
// views/ (built in) or the user's directory; validated like the config.
import { z } from 'zod';
import { PANE_IDS, type PaneId } from '../model/panes.js';
import { type Env, resolveNamed } from './paths.js';
import { readUserFile } from './user-file.js';
import { UnknownNameError } from './user-file-error.js';

export type LayoutNode =
  | { pane: PaneId; size: number; fixed: number | null }
  | { direction: 'row' | 'column'; size: number; fixed: number | null; children: LayoutNode[] };

type LayoutInput =
  | { pane: string; size?: number; fixed?: number }
  | { row: LayoutInput[]; size?: number; fixed?: number }
  | { column: LayoutInput[]; size?: number; fixed?: number };

const weight = z.number().positive().max(100).optional().describe('Share of the space left after fixed parts (default 1)');
const fixed = z.number().int().positive().optional().describe("Exact cells along the parent's direction");

const layoutSchema: z.ZodType<LayoutNode, LayoutInput> = z.lazy(() =>
  z.union([
    z
      .strictObject({ pane: z.enum(PANE_IDS), size: weight, fixed })
      .transform((leaf): LayoutNode => ({ pane: leaf.pane, size: leaf.size ?? 1, fixed: leaf.fixed ?? null })),
    z
      .strictObject({ row: z.array(layoutSchema).min(1), size: weight, fixed })
      .transform((node): LayoutNode => ({ direction: 'row', size: node.size ?? 1, fixed: node.fixed ?? null, children: node.row })),
    z
      .strictObject({ column: z.array(layoutSchema).min(1), size: weight, fixed })
      .transform((node): LayoutNode => ({ direction: 'column', size: node.size ?? 1, fixed: node.fixed ?? null, children: node.column })),
  ]),
);

export const tierSchema = z.strictObject({
  name: z.string().min(1),
  minColumns: z.number().int().min(20).max(1000),
  minRows: z.number().int().min(5).max(500),
  layout: layoutSchema,
});

export const viewSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and "-"'),
    description: z.string().default(''),
    auto: z.boolean().default(false).describe('May be chosen automatically by terminal size'),
    tiers: z.array(tierSchema).min(1).describe('Largest first; the first that fits the terminal is used'),
  })
  .superRefine((view, ctx) => {
    view.tiers.forEach((tier, index) => {
      const previous = view.tiers[index - 1];
      if (previous && (tier.minColumns > previous.minColumns || tier.minRows > previous.minRows)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', index],
          message: `tier "${tier.name}" needs more room than "${previous.name}" before it: order tiers largest first`,
        });
      }
    });
  });

export type View = z.output<typeof viewSchema> & { file: string };
export type Tier = View['tiers'][number];

export const BUILTIN_VIEWS = ['workstation', 'tmux', 'outage', 'services'] as const;

export function loadView(nameOrFile: string, env: Env, cwd: string): View {
  const found = resolveNamed('views', nameOrFile, env, cwd);
  if (!found) {
    throw new UnknownNameError('view', nameOrFile, `no view "${nameOrFile}" (built in: ${BUILTIN_VIEWS.join(', ')}; or give a file path)`);
  }
  return { ...readUserFile(found.path, viewSchema), file: found.path };
}

/** The views the console can switch between with number keys, in order. */
export function loadViews(names: readonly string[], env: Env, cwd: string): View[] {
  return names.map((name) => loadView(name, env, cwd));
}
