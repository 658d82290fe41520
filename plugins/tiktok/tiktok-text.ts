/** TikTok's caption (post_info.title of a video post): at most 2,200 UTF-16 code units. */
export const TIKTOK_CAPTION_LIMIT = 2_200;

/**
 * The caption sent as post_info.title: the post's text, trimmed. The core checks graphemes at import; TikTok counts
 * UTF-16 units (an emoji is two or more), so a text within the grapheme limit may still be over: the words say by
 * how much, before anything is sent.
 */
export function captionOf(text: string): { caption: string; problem?: string } {
  const caption = text.trim();
  if (caption.length > TIKTOK_CAPTION_LIMIT) {
    return {
      caption,
      problem: `the caption is ${caption.length} UTF-16 units (emoji count as two or more); TikTok takes at most ${TIKTOK_CAPTION_LIMIT}: shorten it by ${caption.length - TIKTOK_CAPTION_LIMIT}`,
    };
  }
  return { caption };
}
