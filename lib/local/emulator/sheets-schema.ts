/**
 * The fields of the Sheets v4 resources a response can hold, for validating `fields` masks the way Sheets does.
 * Derived from the Sheets API v4 discovery schemas (as typed in @googleapis/sheets' `Schema$*` interfaces): each
 * entry lists a type's fields, `name:Type` for a field holding another resource, `name` alone for a scalar.
 * Only types reachable from the responses the emulator serves are listed.
 */
export const SHEETS_TYPES: Record<string, string> = {
  Spreadsheet:
    'dataSourceSchedules:DataSourceRefreshSchedule dataSources:DataSource developerMetadata:DeveloperMetadata namedRanges:NamedRange properties:SpreadsheetProperties sheets:Sheet spreadsheetId spreadsheetUrl',
  BatchUpdateSpreadsheetResponse: 'replies:Response spreadsheetId updatedSpreadsheet:Spreadsheet',
  ValueRange: 'majorDimension range values',
  BatchGetValuesResponse: 'spreadsheetId valueRanges:ValueRange',
  UpdateValuesResponse:
    'spreadsheetId updatedCells updatedColumns updatedData:ValueRange updatedRange updatedRows',
  BatchUpdateValuesResponse:
    'responses:UpdateValuesResponse spreadsheetId totalUpdatedCells totalUpdatedColumns totalUpdatedRows totalUpdatedSheets',
  AppendValuesResponse: 'spreadsheetId tableRange updates:UpdateValuesResponse',
  ClearValuesResponse: 'clearedRange spreadsheetId',
  BatchClearValuesResponse: 'clearedRanges spreadsheetId',
  DataSource: 'calculatedColumns:DataSourceColumn dataSourceId sheetId spec:DataSourceSpec',
  DataSourceRefreshSchedule:
    'dailySchedule:DataSourceRefreshDailySchedule enabled monthlySchedule:DataSourceRefreshMonthlySchedule nextRun:Interval refreshScope weeklySchedule:DataSourceRefreshWeeklySchedule',
  DeveloperMetadata: 'location:DeveloperMetadataLocation metadataId metadataKey metadataValue visibility',
  NamedRange: 'name namedRangeId range:GridRange',
  SpreadsheetProperties:
    'autoRecalc defaultFormat:CellFormat importFunctionsExternalUrlAccessAllowed iterativeCalculationSettings:IterativeCalculationSettings locale spreadsheetTheme:SpreadsheetTheme timeZone title',
  Sheet:
    'bandedRanges:BandedRange basicFilter:BasicFilter charts:EmbeddedChart columnGroups:DimensionGroup conditionalFormats:ConditionalFormatRule data:GridData developerMetadata:DeveloperMetadata filterViews:FilterView merges:GridRange properties:SheetProperties protectedRanges:ProtectedRange rowGroups:DimensionGroup slicers:Slicer tables:Table',
  Response:
    'addBanding:AddBandingResponse addChart:AddChartResponse addDataSource:AddDataSourceResponse addDimensionGroup:AddDimensionGroupResponse addFilterView:AddFilterViewResponse addNamedRange:AddNamedRangeResponse addProtectedRange:AddProtectedRangeResponse addSheet:AddSheetResponse addSlicer:AddSlicerResponse addTable:AddTableResponse cancelDataSourceRefresh:CancelDataSourceRefreshResponse createDeveloperMetadata:CreateDeveloperMetadataResponse deleteConditionalFormatRule:DeleteConditionalFormatRuleResponse deleteDeveloperMetadata:DeleteDeveloperMetadataResponse deleteDimensionGroup:DeleteDimensionGroupResponse deleteDuplicates:DeleteDuplicatesResponse duplicateFilterView:DuplicateFilterViewResponse duplicateSheet:DuplicateSheetResponse findReplace:FindReplaceResponse refreshDataSource:RefreshDataSourceResponse trimWhitespace:TrimWhitespaceResponse updateConditionalFormatRule:UpdateConditionalFormatRuleResponse updateDataSource:UpdateDataSourceResponse updateDeveloperMetadata:UpdateDeveloperMetadataResponse updateEmbeddedObjectPosition:UpdateEmbeddedObjectPositionResponse',
  DataSourceColumn: 'formula reference:DataSourceColumnReference',
  DataSourceSpec:
    'bigQuery:BigQueryDataSourceSpec looker:LookerDataSourceSpec parameters:DataSourceParameter',
  DataSourceRefreshDailySchedule: 'startTime:TimeOfDay',
  DataSourceRefreshMonthlySchedule: 'daysOfMonth startTime:TimeOfDay',
  Interval: 'endTime startTime',
  DataSourceRefreshWeeklySchedule: 'daysOfWeek startTime:TimeOfDay',
  DeveloperMetadataLocation: 'dimensionRange:DimensionRange locationType sheetId spreadsheet',
  GridRange: 'endColumnIndex endRowIndex sheetId startColumnIndex startRowIndex',
  CellFormat:
    'backgroundColor:Color backgroundColorStyle:ColorStyle borders:Borders horizontalAlignment hyperlinkDisplayType numberFormat:NumberFormat padding:Padding textDirection textFormat:TextFormat textRotation:TextRotation verticalAlignment wrapStrategy',
  IterativeCalculationSettings: 'convergenceThreshold maxIterations',
  SpreadsheetTheme: 'primaryFontFamily themeColors:ThemeColorPair',
  BandedRange:
    'bandedRangeId bandedRangeReference columnProperties:BandingProperties range:GridRange rowProperties:BandingProperties',
  BasicFilter: 'criteria:FilterCriteria filterSpecs:FilterSpec range:GridRange sortSpecs:SortSpec tableId',
  EmbeddedChart: 'border:EmbeddedObjectBorder chartId position:EmbeddedObjectPosition spec:ChartSpec',
  DimensionGroup: 'collapsed depth range:DimensionRange',
  ConditionalFormatRule: 'booleanRule:BooleanRule gradientRule:GradientRule ranges:GridRange',
  GridData:
    'columnMetadata:DimensionProperties rowData:RowData rowMetadata:DimensionProperties startColumn startRow',
  FilterView:
    'criteria:FilterCriteria filterSpecs:FilterSpec filterViewId namedRangeId range:GridRange sortSpecs:SortSpec tableId title',
  SheetProperties:
    'dataSourceSheetProperties:DataSourceSheetProperties gridProperties:GridProperties hidden index rightToLeft sheetId sheetType tabColor:Color tabColorStyle:ColorStyle title',
  ProtectedRange:
    'description editors:Editors namedRangeId protectedRangeId range:GridRange requestingUserCanEdit tableId unprotectedRanges:GridRange warningOnly',
  Slicer: 'position:EmbeddedObjectPosition slicerId spec:SlicerSpec',
  Table:
    'columnProperties:TableColumnProperties name range:GridRange rowsProperties:TableRowsProperties tableId',
  AddBandingResponse: 'bandedRange:BandedRange',
  AddChartResponse: 'chart:EmbeddedChart',
  AddDataSourceResponse: 'dataExecutionStatus:DataExecutionStatus dataSource:DataSource',
  AddDimensionGroupResponse: 'dimensionGroups:DimensionGroup',
  AddFilterViewResponse: 'filter:FilterView',
  AddNamedRangeResponse: 'namedRange:NamedRange',
  AddProtectedRangeResponse: 'protectedRange:ProtectedRange',
  AddSheetResponse: 'properties:SheetProperties',
  AddSlicerResponse: 'slicer:Slicer',
  AddTableResponse: 'table:Table',
  CancelDataSourceRefreshResponse: 'statuses:CancelDataSourceRefreshStatus',
  CreateDeveloperMetadataResponse: 'developerMetadata:DeveloperMetadata',
  DeleteConditionalFormatRuleResponse: 'rule:ConditionalFormatRule',
  DeleteDeveloperMetadataResponse: 'deletedDeveloperMetadata:DeveloperMetadata',
  DeleteDimensionGroupResponse: 'dimensionGroups:DimensionGroup',
  DeleteDuplicatesResponse: 'duplicatesRemovedCount',
  DuplicateFilterViewResponse: 'filter:FilterView',
  DuplicateSheetResponse: 'properties:SheetProperties',
  FindReplaceResponse: 'formulasChanged occurrencesChanged rowsChanged sheetsChanged valuesChanged',
  RefreshDataSourceResponse: 'statuses:RefreshDataSourceObjectExecutionStatus',
  TrimWhitespaceResponse: 'cellsChangedCount',
  UpdateConditionalFormatRuleResponse:
    'newIndex newRule:ConditionalFormatRule oldIndex oldRule:ConditionalFormatRule',
  UpdateDataSourceResponse: 'dataExecutionStatus:DataExecutionStatus dataSource:DataSource',
  UpdateDeveloperMetadataResponse: 'developerMetadata:DeveloperMetadata',
  UpdateEmbeddedObjectPositionResponse: 'position:EmbeddedObjectPosition',
  DataSourceColumnReference: 'name',
  BigQueryDataSourceSpec: 'projectId querySpec:BigQueryQuerySpec tableSpec:BigQueryTableSpec',
  LookerDataSourceSpec: 'explore instanceUri model',
  DataSourceParameter: 'name namedRangeId range:GridRange',
  TimeOfDay: 'hours minutes nanos seconds',
  DimensionRange: 'dimension endIndex sheetId startIndex',
  Color: 'alpha blue green red',
  ColorStyle: 'rgbColor:Color themeColor',
  Borders: 'bottom:Border left:Border right:Border top:Border',
  NumberFormat: 'pattern type',
  Padding: 'bottom left right top',
  TextFormat:
    'bold fontFamily fontSize foregroundColor:Color foregroundColorStyle:ColorStyle italic link:Link strikethrough underline',
  TextRotation: 'angle vertical',
  ThemeColorPair: 'color:ColorStyle colorType',
  BandingProperties:
    'firstBandColor:Color firstBandColorStyle:ColorStyle footerColor:Color footerColorStyle:ColorStyle headerColor:Color headerColorStyle:ColorStyle secondBandColor:Color secondBandColorStyle:ColorStyle',
  FilterCriteria:
    'condition:BooleanCondition hiddenValues visibleBackgroundColor:Color visibleBackgroundColorStyle:ColorStyle visibleForegroundColor:Color visibleForegroundColorStyle:ColorStyle',
  FilterSpec: 'columnIndex dataSourceColumnReference:DataSourceColumnReference filterCriteria:FilterCriteria',
  SortSpec:
    'backgroundColor:Color backgroundColorStyle:ColorStyle dataSourceColumnReference:DataSourceColumnReference dimensionIndex foregroundColor:Color foregroundColorStyle:ColorStyle sortOrder',
  EmbeddedObjectBorder: 'color:Color colorStyle:ColorStyle',
  EmbeddedObjectPosition: 'newSheet overlayPosition:OverlayPosition sheetId',
  ChartSpec:
    'altText backgroundColor:Color backgroundColorStyle:ColorStyle basicChart:BasicChartSpec bubbleChart:BubbleChartSpec candlestickChart:CandlestickChartSpec dataSourceChartProperties:DataSourceChartProperties filterSpecs:FilterSpec fontName hiddenDimensionStrategy histogramChart:HistogramChartSpec maximized orgChart:OrgChartSpec pieChart:PieChartSpec scorecardChart:ScorecardChartSpec sortSpecs:SortSpec subtitle subtitleTextFormat:TextFormat subtitleTextPosition:TextPosition title titleTextFormat:TextFormat titleTextPosition:TextPosition treemapChart:TreemapChartSpec waterfallChart:WaterfallChartSpec',
  BooleanRule: 'condition:BooleanCondition format:CellFormat',
  GradientRule: 'maxpoint:InterpolationPoint midpoint:InterpolationPoint minpoint:InterpolationPoint',
  DimensionProperties:
    'dataSourceColumnReference:DataSourceColumnReference developerMetadata:DeveloperMetadata hiddenByFilter hiddenByUser pixelSize',
  RowData: 'values:CellData',
  DataSourceSheetProperties: 'columns:DataSourceColumn dataExecutionStatus:DataExecutionStatus dataSourceId',
  GridProperties:
    'columnCount columnGroupControlAfter frozenColumnCount frozenRowCount hideGridlines rowCount rowGroupControlAfter',
  Editors: 'domainUsersCanEdit groups users',
  SlicerSpec:
    'applyToPivotTables backgroundColor:Color backgroundColorStyle:ColorStyle columnIndex dataRange:GridRange filterCriteria:FilterCriteria horizontalAlignment textFormat:TextFormat title',
  TableColumnProperties: 'columnIndex columnName columnType dataValidationRule:TableColumnDataValidationRule',
  TableRowsProperties:
    'firstBandColorStyle:ColorStyle footerColorStyle:ColorStyle headerColorStyle:ColorStyle secondBandColorStyle:ColorStyle',
  DataExecutionStatus: 'errorCode errorMessage lastRefreshTime state',
  CancelDataSourceRefreshStatus:
    'reference:DataSourceObjectReference refreshCancellationStatus:RefreshCancellationStatus',
  RefreshDataSourceObjectExecutionStatus:
    'dataExecutionStatus:DataExecutionStatus reference:DataSourceObjectReference',
  BigQueryQuerySpec: 'rawQuery',
  BigQueryTableSpec: 'datasetId tableId tableProjectId',
  Border: 'color:Color colorStyle:ColorStyle style width',
  Link: 'uri',
  BooleanCondition: 'type values:ConditionValue',
  OverlayPosition: 'anchorCell:GridCoordinate heightPixels offsetXPixels offsetYPixels widthPixels',
  BasicChartSpec:
    'axis:BasicChartAxis chartType compareMode domains:BasicChartDomain headerCount interpolateNulls legendPosition lineSmoothing series:BasicChartSeries stackedType threeDimensional totalDataLabel:DataLabel',
  BubbleChartSpec:
    'bubbleBorderColor:Color bubbleBorderColorStyle:ColorStyle bubbleLabels:ChartData bubbleMaxRadiusSize bubbleMinRadiusSize bubbleOpacity bubbleSizes:ChartData bubbleTextStyle:TextFormat domain:ChartData groupIds:ChartData legendPosition series:ChartData',
  CandlestickChartSpec: 'data:CandlestickData domain:CandlestickDomain',
  DataSourceChartProperties: 'dataExecutionStatus:DataExecutionStatus dataSourceId',
  HistogramChartSpec: 'bucketSize legendPosition outlierPercentile series:HistogramSeries showItemDividers',
  OrgChartSpec:
    'labels:ChartData nodeColor:Color nodeColorStyle:ColorStyle nodeSize parentLabels:ChartData selectedNodeColor:Color selectedNodeColorStyle:ColorStyle tooltips:ChartData',
  PieChartSpec: 'domain:ChartData legendPosition pieHole series:ChartData threeDimensional',
  ScorecardChartSpec:
    'aggregateType baselineValueData:ChartData baselineValueFormat:BaselineValueFormat customFormatOptions:ChartCustomNumberFormatOptions keyValueData:ChartData keyValueFormat:KeyValueFormat numberFormatSource scaleFactor',
  TextPosition: 'horizontalAlignment',
  TreemapChartSpec:
    'colorData:ChartData colorScale:TreemapChartColorScale headerColor:Color headerColorStyle:ColorStyle hideTooltips hintedLevels labels:ChartData levels maxValue minValue parentLabels:ChartData sizeData:ChartData textFormat:TextFormat',
  WaterfallChartSpec:
    'connectorLineStyle:LineStyle domain:WaterfallChartDomain firstValueIsTotal hideConnectorLines series:WaterfallChartSeries stackedType totalDataLabel:DataLabel',
  InterpolationPoint: 'color:Color colorStyle:ColorStyle type value',
  CellData:
    'chipRuns:ChipRun dataSourceFormula:DataSourceFormula dataSourceTable:DataSourceTable dataValidation:DataValidationRule effectiveFormat:CellFormat effectiveValue:ExtendedValue formattedValue hyperlink note pivotTable:PivotTable textFormatRuns:TextFormatRun userEnteredFormat:CellFormat userEnteredValue:ExtendedValue',
  TableColumnDataValidationRule: 'condition:BooleanCondition',
  DataSourceObjectReference:
    'chartId dataSourceFormulaCell:GridCoordinate dataSourcePivotTableAnchorCell:GridCoordinate dataSourceTableAnchorCell:GridCoordinate sheetId',
  RefreshCancellationStatus: 'errorCode state',
  ConditionValue: 'relativeDate userEnteredValue',
  GridCoordinate: 'columnIndex rowIndex sheetId',
  BasicChartAxis:
    'format:TextFormat position title titleTextPosition:TextPosition viewWindowOptions:ChartAxisViewWindowOptions',
  BasicChartDomain: 'domain:ChartData reversed',
  BasicChartSeries:
    'color:Color colorStyle:ColorStyle dataLabel:DataLabel lineStyle:LineStyle pointStyle:PointStyle series:ChartData styleOverrides:BasicSeriesDataPointStyleOverride targetAxis type',
  DataLabel: 'customLabelData:ChartData placement textFormat:TextFormat type',
  ChartData:
    'aggregateType columnReference:DataSourceColumnReference groupRule:ChartGroupRule sourceRange:ChartSourceRange',
  CandlestickData:
    'closeSeries:CandlestickSeries highSeries:CandlestickSeries lowSeries:CandlestickSeries openSeries:CandlestickSeries',
  CandlestickDomain: 'data:ChartData reversed',
  HistogramSeries: 'barColor:Color barColorStyle:ColorStyle data:ChartData',
  BaselineValueFormat:
    'comparisonType description negativeColor:Color negativeColorStyle:ColorStyle position:TextPosition positiveColor:Color positiveColorStyle:ColorStyle textFormat:TextFormat',
  ChartCustomNumberFormatOptions: 'prefix suffix',
  KeyValueFormat: 'position:TextPosition textFormat:TextFormat',
  TreemapChartColorScale:
    'maxValueColor:Color maxValueColorStyle:ColorStyle midValueColor:Color midValueColorStyle:ColorStyle minValueColor:Color minValueColorStyle:ColorStyle noDataColor:Color noDataColorStyle:ColorStyle',
  LineStyle: 'type width',
  WaterfallChartDomain: 'data:ChartData reversed',
  WaterfallChartSeries:
    'customSubtotals:WaterfallChartCustomSubtotal data:ChartData dataLabel:DataLabel hideTrailingSubtotal negativeColumnsStyle:WaterfallChartColumnStyle positiveColumnsStyle:WaterfallChartColumnStyle subtotalColumnsStyle:WaterfallChartColumnStyle',
  ChipRun: 'chip:Chip startIndex',
  DataSourceFormula: 'dataExecutionStatus:DataExecutionStatus dataSourceId',
  DataSourceTable:
    'columnSelectionType columns:DataSourceColumnReference dataExecutionStatus:DataExecutionStatus dataSourceId filterSpecs:FilterSpec rowLimit sortSpecs:SortSpec',
  DataValidationRule: 'condition:BooleanCondition inputMessage showCustomUi strict',
  ExtendedValue: 'boolValue errorValue:ErrorValue formulaValue numberValue stringValue',
  PivotTable:
    'columns:PivotGroup criteria:PivotFilterCriteria dataExecutionStatus:DataExecutionStatus dataSourceId filterSpecs:PivotFilterSpec rows:PivotGroup source:GridRange valueLayout values:PivotValue',
  TextFormatRun: 'format:TextFormat startIndex',
  ChartAxisViewWindowOptions: 'viewWindowMax viewWindowMin viewWindowMode',
  PointStyle: 'shape size',
  BasicSeriesDataPointStyleOverride: 'color:Color colorStyle:ColorStyle index pointStyle:PointStyle',
  ChartGroupRule: 'dateTimeRule:ChartDateTimeRule histogramRule:ChartHistogramRule',
  ChartSourceRange: 'sources:GridRange',
  CandlestickSeries: 'data:ChartData',
  WaterfallChartCustomSubtotal: 'dataIsSubtotal label subtotalIndex',
  WaterfallChartColumnStyle: 'color:Color colorStyle:ColorStyle label',
  Chip: 'personProperties:PersonProperties richLinkProperties:RichLinkProperties',
  ErrorValue: 'message type',
  PivotGroup:
    'dataSourceColumnReference:DataSourceColumnReference groupLimit:PivotGroupLimit groupRule:PivotGroupRule label repeatHeadings showTotals sortOrder sourceColumnOffset valueBucket:PivotGroupSortValueBucket valueMetadata:PivotGroupValueMetadata',
  PivotFilterCriteria: 'condition:BooleanCondition visibleByDefault visibleValues',
  PivotFilterSpec:
    'columnOffsetIndex dataSourceColumnReference:DataSourceColumnReference filterCriteria:PivotFilterCriteria',
  PivotValue:
    'calculatedDisplayType dataSourceColumnReference:DataSourceColumnReference formula name sourceColumnOffset summarizeFunction',
  ChartDateTimeRule: 'type',
  ChartHistogramRule: 'intervalSize maxValue minValue',
  PersonProperties: 'displayFormat email',
  RichLinkProperties: 'mimeType uri',
  PivotGroupLimit: 'applyOrder countLimit',
  PivotGroupRule: 'dateTimeRule:DateTimeRule histogramRule:HistogramRule manualRule:ManualRule',
  PivotGroupSortValueBucket: 'buckets:ExtendedValue valuesIndex',
  PivotGroupValueMetadata: 'collapsed value:ExtendedValue',
  DateTimeRule: 'type',
  HistogramRule: 'end interval start',
  ManualRule: 'groups:ManualRuleGroup',
  ManualRuleGroup: 'groupName:ExtendedValue items:ExtendedValue',
};
