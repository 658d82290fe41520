import { isVideo, multipartOf } from './pinterest-video';

describe('Pinterest video uploads', () => {
  it('builds a multipart/form-data body: the signed fields in order, then the file last', () => {
    const body = Buffer.from(
      multipartOf({ key: 'uploads/1', policy: 'cG9s' }, new Uint8Array([0, 1, 2]), 'video/mp4', 'B0UND'),
    );
    expect(body.toString('latin1')).toBe(
      '--B0UND\r\nContent-Disposition: form-data; name="key"\r\n\r\nuploads/1\r\n' +
        '--B0UND\r\nContent-Disposition: form-data; name="policy"\r\n\r\ncG9s\r\n' +
        '--B0UND\r\nContent-Disposition: form-data; name="file"; filename="video"\r\nContent-Type: video/mp4\r\n\r\n' +
        '\u0000\u0001\u0002\r\n--B0UND--\r\n',
    );
  });

  it('takes MP4 and MOV as videos', () => {
    expect(isVideo({ path: '/a.mp4', mimeType: 'video/mp4' })).toBe(true);
    expect(isVideo({ path: '/a.mov', mimeType: 'video/quicktime' })).toBe(true);
    expect(isVideo({ path: '/a.png', mimeType: 'image/png' })).toBe(false);
  });
});
