/**
 * Users (seed 000, "Dashboard / Użytkownicy"): active users, new registrations, logins, conversions and retention,
 * for the targets that declare the `users` family. Left out when none does. Active users come from the `http`
 * family (`active_users`, as seeds 003/004 export it), shown when every such target declares it too.
 */
import { jobsWithFamily, metric } from '../src/metrics';
import { buildDashboard, DashboardDefinition, PanelSpec, promql, Section, statPanel, targetVariables, timeseriesPanel } from './lib';

const J = 'job=~"$job",instance=~"$instance"';
/**
 * Events per hour, the unit the seed's counts (registrations, logins) read naturally in: the per-second rate over
 * $__rate_interval (always two scrapes wide, dashboards/rate-interval) times 3600.
 */
const perHour = (selector: string, by: string[] = []) => `sum${by.length ? ` by (${by.join(', ')})` : ''} (rate(${selector}[$__rate_interval])) * 3600`;
const FROM = (m: string) => `From \`${m}\` of the jobs declaring the users family.`;

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
      ? [statPanel('Active users', [promql(`sum(${active}{${J}})`, 'active', { instant: true })], { unit: 'short', description: `Users active now. ${FROM(active)}` })]
      : [];

    const sections: Section[] = [
      {
        title: 'Summary',
        panels: [
          ...activePanels,
          statPanel('Registrations per hour', [promql(perHour(`${registrations}{${J}}`), 'registrations', { instant: true })], { unit: 'short', description: `New registrations per hour at the current rate; NewUserRegistrations (info) watches them. ${FROM(registrations)}` }),
          statPanel('Logins per hour', [promql(perHour(`${logins}{${J},status="success"}`), 'logins', { instant: true })], { unit: 'short', description: `Successful logins per hour at the current rate; UserActivity (info) watches them. ${FROM(logins)}` }),
          statPanel('Conversions per hour', [promql(perHour(`${conversions}{${J}}`), 'conversions', { instant: true })], { unit: 'short', description: `Conversions per hour at the current rate. ${FROM(conversions)}` }),
        ],
      },
      {
        title: 'Trends',
        panels: [
          ...(activePanels.length ? [timeseriesPanel('Active users over time', [promql(`sum by (job) (${active}{${J}})`, '{{job}}')], { unit: 'short', description: `Active users per job. ${FROM(active)}` })] : []),
          timeseriesPanel('New registrations per hour', [promql(perHour(`${registrations}{${J}}`, ['job']), '{{job}}')], { unit: 'short', description: `Registrations per hour, per job. ${FROM(registrations)}` }),
          timeseriesPanel('Logins per hour by outcome', [promql(perHour(`${logins}{${J}}`, ['status']), '{{status}}')], { unit: 'short', description: `Logins per hour by outcome (status label). ${FROM(logins)}` }),
          timeseriesPanel('Conversions per hour by source', [promql(perHour(`${conversions}{${J}}`, ['source']), '{{source}}')], { unit: 'short', description: `Conversions per hour by source. ${FROM(conversions)}` }),
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
      variables: targetVariables(jobs),
      sections,
    });
  },
};
