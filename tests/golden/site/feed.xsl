<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/">
    <html lang="zh-CN">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>
          <xsl:value-of select="rss/channel/title|atom:feed/atom:title"/>
        </title>
        <style>body{max-width:42em;margin:2em auto;padding:0 1em;font:16px/1.7 system-ui,sans-serif;color:#222}a{color:#05c}.meta{color:#666;font-size:.9em}.hint{background:#fff8d6;border:1px solid #e6d784;padding:.8em 1em;border-radius:6px}code{word-break:break-all}</style>
      </head>
      <body>
        <p class="hint">这是一个订阅源（feed）。把下面的地址复制到阅读器中即可订阅。 This is a web feed: copy its address into your feed reader to subscribe.           <code>
            <xsl:value-of select="rss/channel/atom:link[@rel='self']/@href|atom:feed/atom:link[@rel='self']/@href"/>
          </code>
        </p>
        <h1>
          <xsl:value-of select="rss/channel/title|atom:feed/atom:title"/>
        </h1>
        <p class="meta">
          <xsl:value-of select="rss/channel/description|atom:feed/atom:subtitle"/>
        </p>
        <xsl:for-each select="rss/channel/item|atom:feed/atom:entry">
          <article>
            <h2>
              <a href="{link|atom:link[@rel='alternate']/@href}">
                <xsl:value-of select="title|atom:title"/>
              </a>
            </h2>
            <p class="meta">
              <xsl:value-of select="pubDate|atom:published"/>
 ·               <xsl:value-of select="dc:creator|atom:author/atom:name"/>
            </p>
            <p>
              <xsl:value-of select="description|atom:summary"/>
            </p>
          </article>
        </xsl:for-each>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
