/** config/log-formats: log source formats, field mappings, and no high-cardinality field as a label (src/logs/validate.ts). */
import { checkLogSources } from '../../logs/validate';
import { configCheck } from './lib';

export const logFormats = configCheck(
  {
    id: 'config/log-formats',
    description: 'log formats parse, labels and metadata come from extracted fields, no high-cardinality labels',
    explain:
      'A log source\'s labelFields become Loki labels: each distinct value is a new stream, so user_id, request_id, ' +
      'trace_id and the like belong in metadataFields (structured metadata). Labels and metadata must be fields the ' +
      'format extracts; a regex (plain only) needs named groups; Alloy component labels must stay unique.',
  },
  (stack, add) => checkLogSources(stack, add),
);
