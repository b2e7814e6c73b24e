/** Policy pack: `pulumi preview --policy-pack policy` (or `npm run preview -- --policy-pack policy`). */
import { PolicyPack } from '@pulumi/policy';
import { POLICIES } from './policies';

new PolicyPack('monitoring-stack-security', { policies: POLICIES });
