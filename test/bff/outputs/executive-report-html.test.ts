import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cssString, executiveReportHtml } from '../../../bff/outputs/html/executive-report.js';
import { benchmarkReport } from '../../bench/executive-report-fixture.js';

/** The executive report as print HTML: the PDF's figures and colours, every value escaped. */

describe('executive report as print HTML', () => {
  test('holds the figures, the brand colours, the A4 page and a table header that repeats', () => {
    const report = benchmarkReport(12);
    const html = executiveReportHtml(report);
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /Northwind Traders GmbH/);
    assert.match(html, /<div class="value">74<\/div>/, 'posture score');
    assert.match(html, /<div class="value">\d+<\/div><div class="note">\d+ critical, \d+ high<\/div>/);
    assert.match(html, /TLS certificate expires within 14 days/);
    assert.match(html, /size: A4/);
    assert.match(html, /thead \{ display: table-header-group; \}/);
    assert.ok(html.includes(report.brand.colorPrimary), 'the customer\'s primary colour');
    assert.match(html, /counter\(page\) " of " counter\(pages\)/);
    assert.equal(html.match(/<tbody>/g)?.length, 2, 'coverage and risks tables');
    assert.equal((html.split('<table class="risks">')[1]!.match(/<tr>/g) ?? []).length, 13, 'header and 12 findings');
  });

  test('escapes a customer name, a finding and an asset that hold markup', () => {
    const report = benchmarkReport(2);
    report.customer.name = 'Evil <script>alert(1)</script> & "Co" </style>';
    report.preparedBy = 'MSP </style><script>x()</script>';
    report.topRisks[0]!.title = '<img src=x onerror=alert(1)>';
    report.topRisks[0]!.asset = 'https://a.example/?q="><svg onload=alert(1)>';
    const html = executiveReportHtml(report);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img src=x/);
    assert.doesNotMatch(html, /<svg onload/);
    assert.equal(html.match(/<\/style>/g)?.length, 1, 'the attribution cannot close the style element');
    assert.match(html, /Evil &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;Co&quot;/);
  });

  test('writes CSS strings with nothing but letters, digits, spaces and escapes', () => {
    assert.equal(cssString('A b'), '"A b"');
    const written = cssString('"; } body { x: url(evil) </style>');
    assert.match(written, /^".*"$/);
    assert.doesNotMatch(written.slice(1, -1), /["';{}()<>]/);
  });

  test('takes only hex brand colours', () => {
    const report = benchmarkReport(1);
    report.brand.colorPrimary = 'red;} body{background:url(//evil)}';
    const html = executiveReportHtml(report);
    assert.doesNotMatch(html, /evil/);
  });
});
