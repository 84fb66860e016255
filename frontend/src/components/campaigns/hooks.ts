/** The queries the campaign pages share, under one key per campaign (["campaigns", id, …]) so one invalidation refreshes them. */
import { useQuery } from "@tanstack/react-query";
import { campaigns, type Post } from "../../api/campaigns";
import type { Page } from "../../api/endpoints";

/** The API's largest page. */
const PAGE = 100;
/** Review and the posts table show a campaign's posts whole, up to this many. */
export const MAX_POSTS = 1000;

/** Every post of the campaign (with this status), page after page. */
export async function allPosts(id: string, status = ""): Promise<Page<Post>> {
  const first = await campaigns.posts(id, { status, limit: PAGE, offset: 0 });
  const items = [...first.items];
  while (items.length < Math.min(first.total, MAX_POSTS)) {
    const next = await campaigns.posts(id, { status, limit: PAGE, offset: items.length });
    if (next.items.length === 0) break;
    items.push(...next.items);
  }
  return { ...first, items, limit: items.length, offset: 0 };
}

export const useCampaign = (id: string) => useQuery({ queryKey: ["campaigns", id, "detail"], queryFn: () => campaigns.get(id), enabled: !!id });

export const usePostsQuery = (id: string, status = "") =>
  useQuery({ queryKey: ["campaigns", id, "posts", { status }], queryFn: () => allPosts(id, status), enabled: !!id });
