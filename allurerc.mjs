// Allure 3 report configuration, used by `metaconform report` (npm run report).
// One self-contained HTML file grouped by epic (server / image metadata), feature (operation) and story (behaviour).
export default {
  name: 'metaconform conformance report',
  // advisory results (label level, set with severity minor by reporters/allure-reporter.ts) and expected
  // failures apart from Allure's own "Product errors" (failed) and "Test errors" (broken): they never fail the run.
  // Informational results are written as passed ("OBSERVED …"), so no category holds them.
  categories: [
    { name: 'Advisory results (never fail the run)', matchers: { statuses: ['failed', 'broken'], labels: { level: '^advisory$' } } },
    { name: 'Known failures (expected)', matchers: { statuses: ['failed'], message: '^KNOWN FAILURE' } },
  ],
  plugins: {
    // the report: results grouped by epic (server / image metadata), feature (operation) and story (behaviour)
    awesome: {
      options: {
        singleFile: true,
        reportLanguage: 'en',
        groupBy: ['epic', 'feature', 'story'],
      },
    },
    // trend charts over the runs kept in the history file
    dashboard: {
      options: {
        singleFile: true,
        reportName: 'metaconform trends',
      },
    },
  },
};
