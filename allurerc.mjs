// Allure 3 report configuration, used by `metaconform report` (npm run report).
// One self-contained HTML file grouped by epic (server / image metadata), feature (operation) and story (behaviour).
export default {
  name: 'metaconform conformance report',
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportLanguage: 'en',
        groupBy: ['epic', 'feature', 'story'],
      },
    },
  },
};
