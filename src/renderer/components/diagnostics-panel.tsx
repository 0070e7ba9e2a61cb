import { useState, type ReactNode } from 'react';
import {
  describeCard,
  formatDiagnosticsText,
  serverVerdict,
  type DiagnosticsReport,
  type ServerVerdict,
} from '../../shared/diagnostics-report';
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
  return (
    <>
      <h2 className="nhsuk-heading-m">App</h2>
      <dl className="nhsuk-summary-list">
        <Row label="Version">{report.app.version}</Row>
        <Row label="Computer">
          {report.app.platform} {report.app.arch}
        </Row>
        <Row label="Runtime">{report.app.runtime}</Row>
        <Row label="Report made">{report.generatedAt}</Row>
      </dl>
    </>
  );
}

function SettingsSection({ settings }: { readonly settings: DiagnosticsReport['settings'] }) {
  const problem = settings.problem;
  return (
    <>
      <h2 className="nhsuk-heading-m">Settings</h2>
      {problem === undefined ? null : (
        <p>
          <Tag good={false}>Problem</Tag> <SettingProblem {...problem} />
        </p>
      )}
      {settings.values.length === 0 ? null : (
        <table className="nhsuk-table app-diagnostics__table">
          <caption className="nhsuk-table__caption nhsuk-table__caption--s">
            The settings in force, and where each one came from
          </caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th scope="col" className="nhsuk-table__header">
                Setting
              </th>
              <th scope="col" className="nhsuk-table__header">
                Value
              </th>
              <th scope="col" className="nhsuk-table__header">
                Set by
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {settings.values.map((s) => (
              <tr className="nhsuk-table__row" key={s.name}>
                <th scope="row" className="nhsuk-table__header">
                  {s.name}
                </th>
                <td className="nhsuk-table__cell">{s.value}</td>
                <td className="nhsuk-table__cell">{s.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function CardSection({ service }: { readonly service: DiagnosticsReport['cardService'] }) {
  return (
    <>
      <h2 className="nhsuk-heading-m">Card reader</h2>
      <dl className="nhsuk-summary-list">
        <Row label="Smart card service">
          {service.state === 'running' ? (
            <Tag good>Running</Tag>
          ) : (
            <>
              <Tag good={false}>Not running</Tag> {service.problem}
            </>
          )}
        </Row>
        <Row label="Reader type">
          {service.mock ? 'Mock reader (virtual card, for testing)' : 'PC/SC card readers'}
        </Row>
        {service.state === 'running' ? (
          <Row label="Readers">
            {service.readers.length === 0 ? (
              <>
                <Tag good={false}>None</Tag> No card reader is connected.
              </>
            ) : (
              <ul className="nhsuk-list app-diagnostics__readers">
                {service.readers.map((reader) => (
                  <li key={reader.name}>
                    <strong>{reader.name}</strong>:{' '}
                    {reader.hasCard ? `card present: ${describeCard(reader.card)}` : 'no card'}
                    {reader.atr === undefined ? null : (
                      <span className="app-diagnostics__atr"> (ATR {reader.atr})</span>
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

/** The health check's tag for each verdict; the words beside it are the text report's. */
const VERDICT_TAGS: Readonly<Record<Exclude<ServerVerdict, 'unreachable'>, string>> = {
  untrusted: 'Unknown',
  healthy: 'Healthy',
  'database-unavailable': 'Database unavailable',
  'not-healthy': 'Not healthy',
};

function ServerSection({ server }: { readonly server: DiagnosticsReport['server'] }) {
  if (server === null) {
    return (
      <>
        <h2 className="nhsuk-heading-m">Smartcard Unlock Service</h2>
        <p>Not checked: the settings are not valid.</p>
      </>
    );
  }
  const certificate = server.certificate;
  const { verdict, detail } = serverVerdict(server);
  return (
    <>
      <h2 className="nhsuk-heading-m">Smartcard Unlock Service</h2>
      <dl className="nhsuk-summary-list">
        <Row label="Address">{server.url}</Row>
        <Row label="Reachable">
          {server.reachable ? (
            <Tag good>Yes</Tag>
          ) : (
            <>
              <Tag good={false}>No</Tag> {server.problem ?? 'no answer'}
            </>
          )}
        </Row>
        {verdict === 'unreachable' ? null : (
          <Row label="Health check">
            <Tag good={verdict === 'healthy'}>{VERDICT_TAGS[verdict]}</Tag> {detail}
          </Row>
        )}
        {certificate === undefined ? null : (
          <>
            <Row label="Certificate">
              {certificate.subject}, issued by {certificate.issuer}
            </Row>
            <Row label="Certificate valid">
              {certificate.validFrom} to {certificate.validTo}
            </Row>
            <Row label="SHA-256 fingerprint">
              <span className="app-diagnostics__fingerprint">{certificate.fingerprint256}</span>
            </Row>
            <Row label="Trusted by this computer">
              {certificate.trusted ? (
                <Tag good>Yes</Tag>
              ) : (
                <>
                  <Tag good={false}>No</Tag> {certificate.problem ?? 'unknown reason'}
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
 * The diagnostics report as the service desk reads it: the app, each setting with where it came
 * from, the card service with its readers and cards, the server with its certificate. **Copy
 * report** puts the plain-text form (the same text `--diagnostics` prints) on the clipboard; if
 * the clipboard refuses, the text opens below to be selected by hand. The report holds no secret.
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
        Copy report
      </button>
      <p className="nhsuk-body-s" role="status">
        {copied === 'copied'
          ? 'Copied. Paste it into your email or ticket for the service desk.'
          : copied === 'failed'
            ? 'Copying did not work. The report is shown as text below: select it and copy it.'
            : ''}
      </p>
      <details
        className="nhsuk-details"
        open={showText}
        onToggle={(event) => setShowText(event.currentTarget.open)}
      >
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">Show the report as text</span>
        </summary>
        <div className="nhsuk-details__text">
          <pre className="app-diagnostics__text" tabIndex={0} aria-label="Report text">
            {text}
          </pre>
        </div>
      </details>
    </div>
  );
}
