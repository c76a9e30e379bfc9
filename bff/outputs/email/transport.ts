import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';

/** One message as the sender hands it to SMTP. */
export interface OutgoingEmail {
  /** Display name of the From header (the MSP); the address is the configured sender's. */
  fromName: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** `<id@portico>`: the same on every attempt, so a receiver can recognise a repeat. */
  messageId: string;
  /** Images the HTML shows by `cid:`, sent as inline parts (multipart/related). */
  inlineImages?: { cid: string; filename: string; contentType: string; content: Buffer }[];
}

export interface MailTransport {
  send(email: OutgoingEmail): Promise<void>;
}

/**
 * A failed delivery the server refused for good (a 5xx reply other than 503): trying the same
 * message again would be refused again.
 */
export function isPermanentFailure(error: unknown): boolean {
  return (error as { permanent?: boolean } | null)?.permanent === true;
}

/** The address part of `PORTICO_MAIL_FROM` ("Name <address>" or a bare address). */
function senderAddress(mailFrom: string): string {
  const [first] = addressparser(mailFrom, { flatten: true });
  if (!first?.address) throw new Error(`PORTICO_MAIL_FROM has no address: ${JSON.stringify(mailFrom)}`);
  return first.address;
}

/**
 * SMTP delivery through nodemailer. One transport per process; each message opens its own
 * connection (no pool), so nothing stays open between messages and a failed connection never
 * affects the next one.
 * Timeouts are shorter than nodemailer's defaults so a hung server fails the job well within
 * its expiry and the queue retries it.
 */
export function smtpTransport(smtpUrl: string, mailFrom: string): MailTransport {
  const address = senderAddress(mailFrom);
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async send(email) {
      await transport.sendMail({
        from: { name: email.fromName, address },
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId: email.messageId,
        ...(email.inlineImages?.length
          ? { attachments: email.inlineImages.map((a) => ({ cid: a.cid, filename: a.filename, contentType: a.contentType, content: a.content, contentDisposition: 'inline' as const })) }
          : {}),
      });
    },
  };
}
