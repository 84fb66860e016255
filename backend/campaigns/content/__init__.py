"""Campaign content: AI-written batches of posts, hand-written posts, editing posts in review."""
