/**
 * Users (seed 000, "Dashboard / Użytkownicy"): active users, new registrations, logins, conversions and retention,
 * for the targets that declare the `users` family. Left out when none does. Active users come from the `http`
 * family (`active_users`, as seeds 003/004 export it), shown when every such target declares it too.
 */
import { jobsWithFamily, metric } from '../src/metrics';
import { buildDashboard, DashboardDefinition, jobVariable, PanelSpec, promql, Section, statPanel, timeseriesPanel } from './lib';

const J = 'job=~"$job"';
/** Events per hour: the unit the seed's counts (registrations, logins) read naturally in. */
const perHour = (selector: string, by: string[] = []) => `sum${by.length ? ` by (${by.join(', ')})` : ''} (increase(${selector}[1h]))`;

export const users: DashboardDefinition = {
  uid: 'stack-users',
  title: 'Users',
  folder: 'Application',
  build(stack) {
    const jobs = jobsWithFamily(stack, 'users');
    if (jobs.length === 0 || !stack.components.prometheus.enabled) return undefined;
    const httpJobs = jobsWithFamily(stack, 'http');
    const active = metric('http', 'active_users');
    const registrations = metric('users', 'user_registrations_total');
    const logins = metric('users', 'user_logins_total');
    const conversions = metric('users', 'user_conversions_total');
    const retention = metric('users', 'user_retention_ratio');
    const activePanels: PanelSpec[] = jobs.every((j) => httpJobs.includes(j))
      ? [statPanel('Active users', [promql(`sum(${active}{${J}})`, 'active', { instant: true })], { unit: 'short' })]
      : [];

    const sections: Section[] = [
      {
        title: 'Summary',
        panels: [
          ...activePanels,
          statPanel('Registrations (1h)', [promql(perHour(`${registrations}{${J}}`), 'registrations', { instant: true })], { unit: 'short' }),
          statPanel('Logins (1h)', [promql(perHour(`${logins}{${J},status="success"}`), 'logins', { instant: true })], { unit: 'short' }),
          statPanel('Conversions (1h)', [promql(perHour(`${conversions}{${J}}`), 'conversions', { instant: true })], { unit: 'short' }),
        ],
      },
      {
        title: 'Trends',
        panels: [
          ...(activePanels.length ? [timeseriesPanel('Active users over time', [promql(`sum by (job) (${active}{${J}})`, '{{job}}')], { unit: 'short' })] : []),
          timeseriesPanel('New registrations per hour', [promql(perHour(`${registrations}{${J}}`, ['job']), '{{job}}')], { unit: 'short' }),
          timeseriesPanel('Logins per hour by outcome', [promql(perHour(`${logins}{${J}}`, ['status']), '{{status}}')], { unit: 'short' }),
          timeseriesPanel('Conversions per hour', [promql(perHour(`${conversions}{${J}}`, ['source']), '{{source}}')], { unit: 'short' }),
          timeseriesPanel('Retention by period', [promql(`avg by (period) (${retention}{${J}})`, '{{period}}')], {
            unit: 'percentunit',
            min: 0,
            max: 1,
            description: 'Share of a cohort active again after the period, as the app computes it.',
          }),
        ],
      },
    ];
    return buildDashboard({
      stack,
      uid: this.uid,
      title: this.title,
      description: `Users of the ${stack.name} stack: activity, registrations, logins, conversions, retention.`,
      tags: ['users'],
      variables: [jobVariable(jobs)],
      sections,
    });
  },
};
