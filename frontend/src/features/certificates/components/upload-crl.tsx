import { useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { commonName } from '@/lib/format';
import { useUploadCRL } from '../api/upload-crl';

/**
 * The "Upload CRL" control: for CRLs of internal CAs published nowhere the
 * server or an agent can fetch them. The server checks the issuer and the
 * signature and says why it refuses one.
 */
export function UploadCRL() {
  const input = useRef<HTMLInputElement>(null);
  const upload = useUploadCRL();
  return (
    <div className="upload-crl">
      <Button size="sm" loading={upload.isPending} onClick={() => input.current?.click()}>Upload CRL</Button>
      <input ref={input} type="file" aria-label="CRL file" tabIndex={-1} className="sr-only"
        accept=".crl,.der,.pem,application/pkix-crl,application/x-pem-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) upload.mutate(file);
          e.target.value = '';
        }} />
      {upload.isError ? <Notice tone="error" title="The CRL was not uploaded.">{upload.error.message}</Notice> : null}
      {upload.isSuccess ? (
        <Notice tone="success" title="CRL uploaded.">
          {upload.data.issuer ? `The CRL of ${commonName(upload.data.issuer)} now answers for its certificates.` : null}
        </Notice>
      ) : null}
    </div>
  );
}
