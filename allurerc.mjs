// Allure 3 report configuration, used by `metaconform report` (npm run report).
// One self-contained HTML file grouped by epic (server / image metadata), feature (operation) and story (behaviour).
export default {
  name: 'metaconform conformance report',
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
