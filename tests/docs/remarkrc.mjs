// remark-cli's settings for the link check: local links to files and headings must resolve.
// `repository: false`: links are checked in the working tree, whatever the Git remote is.
import validateLinks from 'remark-validate-links';

export default { plugins: [[validateLinks, { repository: false }]] };
