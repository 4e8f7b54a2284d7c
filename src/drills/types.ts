// Moved to model/ (what a drill found is read by the backups probe, below the drills); importers are being moved.
export type * from '../model/drill.js';
