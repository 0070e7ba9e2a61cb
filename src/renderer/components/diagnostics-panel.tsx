import { useState, type ReactNode } from 'react';
import {
  describeReaderCard,
  formatDiagnosticsText,
  serverVerdict,
  type DiagnosticsReport,
} from '../../shared/diagnostics-report';
import { wording } from '../../shared/wording';
import { SettingProblem } from './setting-problem';

/** Where the copied text goes; the browser clipboard by default, injected in tests. */
export type WriteClipboard = (text: string) => Promise<void>;

const browserClipboard: WriteClipboard = (text) => navigator.clipboard.writeText(text);

function Row({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

/** A design-system tag: green for working, red for a problem; the word carries the meaning. */
function Tag({ good, children }: { readonly good: boolean; readonly children: ReactNode }) {
  return (
    <strong className={`nhsuk-tag ${good ? 'nhsuk-tag--green' : 'nhsuk-tag--red'}`}>
      {children}
    </strong>
  );
}

function AppSection({ report }: { readonly report: DiagnosticsReport }) {
  const words = wording().diagnostics.panel;
  return (
    <>
      <h2 className="nhsuk-heading-m">{words.app}</h2>
      <dl className="nhsuk-summary-list">
        <Row label={words.version}>{report.app.version}</Row>
        <Row label={words.computer}>
          {report.app.platform} {report.app.arch}
        </Row>
        <Row label={words.runtime}>{report.app.runtime}</Row>
        <Row label={words.made}>{report.generatedAt}</Row>
      </dl>
    </>
  );
}

function SettingsSection({ settings }: { readonly settings: DiagnosticsReport['settings'] }) {
  const words = wording().diagnostics.panel;
  const problem = settings.problem;
  return (
    <>
      <h2 className="nhsuk-heading-m">{words.settings}</h2>
      {problem === undefined ? null : (
        <p>
          <Tag good={false}>{words.problem}</Tag> <SettingProblem {...problem} />
        </p>
      )}
      {settings.values.length === 0 ? null : (
        // The design system's responsive table: at narrow widths each row stacks, its headings
        // beside its cells, so 320 CSS pixels need no sideways scrolling (WCAG 1.4.10).
        <table className="nhsuk-table-responsive app-diagnostics__table">
          <caption className="nhsuk-table__caption nhsuk-table__caption--s">
            {words.settingsCaption}
          </caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th scope="col" className="nhsuk-table__header">
                {words.setting}
              </th>
              <th scope="col" className="nhsuk-table__header">
                {words.value}
              </th>
              <th scope="col" className="nhsuk-table__header">
                {words.setBy}
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {settings.values.map((s) => (
              <tr className="nhsuk-table__row" key={s.name}>
                <th scope="row" className="nhsuk-table__header">
                  <ResponsiveHeading text={words.setting} />
                  {s.name}
                </th>
                <td className="nhsuk-table__cell">
                  <ResponsiveHeading text={words.value} />
                  {s.value}
                </td>
                <td className="nhsuk-table__cell">
                  <ResponsiveHeading text={words.setBy} />
                  {s.source}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** A column's heading repeated in its cell, shown only when the table stacks (screen readers have the header). */
function ResponsiveHeading({ text }: { readonly text: string }) {
  return (
    <span className="nhsuk-table-responsive__heading" aria-hidden="true">
      {text}{' '}
    </span>
  );
}

function CardSection({ service }: { readonly service: DiagnosticsReport['cardService'] }) {
  const words = wording().diagnostics.panel;
  const report = wording().diagnostics.report;
  return (
    <>
      <h2 className="nhsuk-heading-m">{words.cardReader}</h2>
      <dl className="nhsuk-summary-list">
        <Row label={words.cardService}>
          {service.state === 'running' ? (
            <Tag good>{words.running}</Tag>
          ) : (
            <>
              <Tag good={false}>{words.notRunning}</Tag> {service.problem}
            </>
          )}
        </Row>
        <Row label={words.readerType}>{service.mock ? words.mockReader : words.pcscReaders}</Row>
        {service.state === 'running' ? (
          <Row label={words.readers}>
            {service.readers.length === 0 ? (
              <>
                <Tag good={false}>{words.none}</Tag> {words.noReaders}
              </>
            ) : (
              <ul className="nhsuk-list app-diagnostics__readers">
                {service.readers.map((reader) => (
                  <li key={reader.name}>
                    <strong>{reader.name}</strong>: {describeReaderCard(reader)}
                    {reader.atr === undefined ? null : (
                      <span className="app-diagnostics__atr">{report.atr(reader.atr)}</span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </Row>
        ) : null}
      </dl>
    </>
  );
}

function ServerSection({ server }: { readonly server: DiagnosticsReport['server'] }) {
  const words = wording().diagnostics.panel;
  if (server === null) {
    return (
      <>
        <h2 className="nhsuk-heading-m">{words.server}</h2>
        <p>{words.serverNotChecked}</p>
      </>
    );
  }
  const certificate = server.certificate;
  const { verdict, detail } = serverVerdict(server);
  return (
    <>
      <h2 className="nhsuk-heading-m">{words.server}</h2>
      <dl className="nhsuk-summary-list">
        <Row label={words.address}>{server.url}</Row>
        <Row label={words.reachable}>
          {server.reachable ? (
            <Tag good>{words.yes}</Tag>
          ) : (
            <>
              <Tag good={false}>{words.no}</Tag>{' '}
              {server.problem ?? wording().diagnostics.report.noAnswer}
            </>
          )}
        </Row>
        {verdict === 'unreachable' ? null : (
          <Row label={words.healthCheck}>
            <Tag good={verdict === 'healthy'}>{words.verdicts[verdict]}</Tag> {detail}
          </Row>
        )}
        {certificate === undefined ? null : (
          <>
            <Row label={words.certificate}>
              {words.issuedBy(certificate.subject, certificate.issuer)}
            </Row>
            <Row label={words.certificateValid}>
              {words.validity(certificate.validFrom, certificate.validTo)}
            </Row>
            <Row label={words.fingerprint}>
              <span className="app-diagnostics__fingerprint">{certificate.fingerprint256}</span>
            </Row>
            <Row label={words.trusted}>
              {certificate.trusted ? (
                <Tag good>{words.yes}</Tag>
              ) : (
                <>
                  <Tag good={false}>{words.no}</Tag> {certificate.problem ?? words.unknownReason}
                </>
              )}
            </Row>
          </>
        )}
      </dl>
    </>
  );
}

/**
 * The diagnostics report as the desk reads it; **Copy report** copies the same text `--diagnostics`
 * prints, or opens it below to select by hand when the clipboard refuses. It holds no secret.
 */
export function DiagnosticsPanel({
  report,
  writeClipboard = browserClipboard,
}: {
  readonly report: DiagnosticsReport;
  readonly writeClipboard?: WriteClipboard;
}) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [showText, setShowText] = useState(false);
  const text = formatDiagnosticsText(report);
  const words = wording().diagnostics.panel;
  const copy = () => {
    writeClipboard(text).then(
      () => setCopied('copied'),
      () => {
        setCopied('failed');
        setShowText(true);
      },
    );
  };
  return (
    <div className="app-diagnostics">
      <AppSection report={report} />
      <SettingsSection settings={report.settings} />
      <CardSection service={report.cardService} />
      <ServerSection server={report.server} />
      <button className="nhsuk-button" type="button" onClick={copy}>
        {words.copy}
      </button>
      <p className="nhsuk-body-s" role="status">
        {copied === 'copied' ? words.copied : copied === 'failed' ? words.copyFailed : ''}
      </p>
      <details
        className="nhsuk-details"
        open={showText}
        onToggle={(event) => setShowText(event.currentTarget.open)}
      >
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">{words.showText}</span>
        </summary>
        <div className="nhsuk-details__text">
          <pre className="app-diagnostics__text" tabIndex={0} aria-label={words.textLabel}>
            {text}
          </pre>
        </div>
      </details>
    </div>
  );
}
