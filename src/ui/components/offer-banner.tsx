// The banner of a runbook the situation calls for (a trigger's offer), above the status bar: the
// runbook, why, since when, and the key that runs it. The key and "since" stay whole; the why
// is shortened first, then the runbook's title.
import { memo } from 'react';
import type { Offer } from '../../model/offer.js';
import { fitParts, type Part } from '../fit-parts.js';
import type { Line } from '../text.js';
import type { Theme } from '../theme.js';
import { LineView } from './lines.js';

export type OfferBannerProps = {
  offers: readonly Offer[];
  /** The key that runs the first offer (its own runbook:<id> binding, or offer.run's). */
  runKey: string | undefined;
  width: number;
  theme: Theme;
};

export function offerBannerLine(props: Omit<OfferBannerProps, 'theme'>): Line {
  const [offer, ...more] = props.offers;
  if (!offer) return [];
  const since = new Date(offer.since).toTimeString().slice(0, 5);
  const auto = offer.response === 'auto';
  const parts: Part[] = [
    { segments: [{ text: auto ? ' ▶ AUTO ' : ' ▶ OFFER ', tone: 'warn', inverse: true, bold: true }], priority: 0 },
    { segments: [{ text: ` ${offer.runbook}`, tone: 'warn', bold: true }], priority: 0 },
    { segments: [{ text: ` (${offer.title})`, tone: 'muted' }], priority: 3, shrink: true },
    { segments: [{ text: ` · ${offer.reason}`, tone: 'plain' }], priority: 1, shrink: true },
    { segments: [{ text: ` · since ${since}`, tone: 'plain' }], priority: 0 },
  ];
  if (more.length) parts.push({ segments: [{ text: ` · +${more.length} more (homeops status)`, tone: 'muted' }], priority: 2 });
  // An automatic one is for the watcher to run; here the key runs it too, asked first.
  if (props.runKey)
    parts.push({ segments: [{ text: ` · ${props.runKey} run it${auto ? ' now' : ''}`, tone: 'warn', bold: true }], priority: 0 });
  return fitParts(parts, props.width);
}

export const OfferBanner = memo(function OfferBanner(props: OfferBannerProps) {
  return <LineView line={offerBannerLine(props)} theme={props.theme} />;
});
