// Package reports turns results into reports: text, JSON, Markdown and
// HTML, comparisons and merges. The result file itself is package result.
package reports
