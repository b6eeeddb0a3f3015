#!/usr/bin/ruby
# SPDX-License-Identifier: MIT
# Turn a kramdown-rfc "sectionized" draft into pandoc markdown, for a
# readable text/HTML rendering where xml2rfc is not available:
#   - the YAML header becomes pandoc metadata (title, docname, author);
#   - "--- abstract" / "--- middle" / "--- back" become plain sections, with
#     the reference lists built from the header inserted before the back
#     matter;
#   - {{RFCnnnn}}, {{Section x of RFCnnnn}} and {{anchor}} cross-references
#     become [RFCnnnn], "Section x of [RFCnnnn]" and "Section "title"";
#   - kramdown attribute lines such as {:numbered="false"} are dropped.
# Usage: kramdown2pandoc.rb draft.md > draft.pandoc.md
require 'date'
require 'json'
require 'yaml'

src = ARGF.read
m = src.match(/\A---\n(.*?)\n--- abstract\n(.*?)\n--- middle\n(.*?)\n--- back\n(.*)\z/m)
abort "kramdown2pandoc: expected YAML header and abstract/middle/back sections" unless m
abstract, middle, back = m[2], m[3], m[4]
head = YAML.safe_load(m[1], permitted_classes: [Date])

anchors = {}
(middle + back).scan(/^#+\s+(.*?)\s*\{#([\w-]+)\}\s*$/) { anchors[$2] = $1 }

def xrefs(text, anchors)
  text.gsub(/\{\{(.*?)\}\}/) do
    ref = $1
    if ref =~ /\A(Section|Appendix)\s+(\S+)\s+of\s+(\S+)\z/
      "#{$1} #{$2} of [#{$3}]"
    elsif anchors[ref]
      "Section \"#{anchors[ref]}\""
    else
      "[#{ref}]"
    end
  end.gsub(/^\{:[^}]*\}\s*\n/, '').gsub(/\s*\{#[\w-]+\}\s*$/, '')
end

def reference(anchor, r)
  authors = (r['author'] || []).map { |a| a['name'] || a['org'] }.compact
  series = (r['seriesinfo'] || {}).map { |k, v| "#{k} #{v}" }
  parts = [authors.join(', '), "\"#{r['title']}\"", *series, r['date'].to_s]
  "[#{anchor}]\n:   #{parts.reject(&:empty?).join(', ')}.\n"
end

authors = (head['author'] || []).map { |a| a['name'] || a['org'] }
out = []
out << "---"
out << "title: #{head['title'].to_s.to_json}"
out << "subtitle: #{head['docname'].to_s.to_json}"
out << "author: #{authors.to_json}"
out << "---"
out << ""
out << "# Abstract {.unnumbered}"
out << ""
out << xrefs(abstract.strip, anchors)
out << ""
out << xrefs(middle.strip, anchors)
out << ""
out << "# References"
[%w[normative Normative], %w[informative Informative]].each do |key, title|
  refs = head[key] || {}
  next if refs.empty?
  out << ""
  out << "## #{title} References"
  out << ""
  refs.sort.each { |anchor, r| out << reference(anchor, r) }
end
out << ""
letter = 'A'
out << xrefs(back.strip, anchors).gsub(/^# (.*)$/) do
  title = "# Appendix #{letter}. #{$1} {.unnumbered}"
  letter = letter.succ
  title
end
puts out.join("\n")
