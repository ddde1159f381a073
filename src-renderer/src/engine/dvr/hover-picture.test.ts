import { describe, expect, it } from 'vitest';
import { hoverPictureUrl, thumbStep } from './hover-picture';

const T0 = 1_715_688_000; // 2024-05-14 12:00:00 UTC

describe('hover pictures', () => {
  it('step with the zoom: about one every 12 px, whole seconds to a day', () => {
    expect(thumbStep(0.01)).toBe(1);
    expect(thumbStep(0.1)).toBe(2);
    expect(thumbStep(3)).toBe(60);
    expect(thumbStep(100)).toBe(1800);
    expect(thumbStep(10_000)).toBe(86_400);
  });

  it('name the thumbnail of the step’s start in UTC, with the play token', () => {
    expect(hoverPictureUrl('live/cam 1', 'a&b', T0 + 45.7, 3)).toBe('/live/cam%201/2024/05/14/12/00/00.jpg?w=320&token=a%26b');
    expect(hoverPictureUrl('cam', null, T0 + 45.7, 0.01)).toBe('/cam/2024/05/14/12/00/45.jpg?w=320');
  });
});
