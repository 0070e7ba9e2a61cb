import type { Emphasised as Parts } from '../../shared/wording';

/** A catalogue sentence with its one emphasised part (a name, an address, a number) in bold. */
export function Emphasised({ parts }: { readonly parts: Parts }) {
  const [before, emphasised, after] = parts;
  return (
    <>
      {before}
      <strong>{emphasised}</strong>
      {after}
    </>
  );
}
